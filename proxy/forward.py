"""Send the driver's request upstream and relay the answer: whole, or event by event."""

from __future__ import annotations

import asyncio
import time
from typing import cast

import aiohttp

from proxy.asgi import Headers, Receive, Send, send_whole
from proxy.errors import (
    GATEWAY_SHUTTING_DOWN,
    UPSTREAM_ADDRESS_REFUSED,
    UPSTREAM_REDIRECT_REFUSED,
    UPSTREAM_STREAM_INTERRUPTED,
    UPSTREAM_TIMEOUT,
    UPSTREAM_UNREACHABLE,
    GatewayError,
)
from proxy.headers import (
    ACCOUNT_PREFIXES,
    DROPPED_REQUEST_HEADERS,
    DROPPED_RESPONSE_HEADERS,
    connection_listed,
    withheld_when_passed,
)
from proxy.providers.base import Driver, UpstreamRequest
from proxy.providers.capabilities import (
    ERROR_HEADERS,
    RESPONSE_HEADERS,
    STREAM_END,
    AddsErrorHeaders,
    KnowsStreamEnd,
    ReadsResponseHeaders,
)
from proxy.record import CallRecord
from proxy.sse import EventSplitter
from proxy.stream_break import error_event, meter_delivered, speaks_anthropic
from proxy.upstream import RefusedAddress

# The proxy also keeps the upstream's request id (passed on as x-upstream-request-id) and,
# unless the API passes them, the provider account's limits and identity to itself.
_NOT_RETURNED = frozenset(name.encode() for name in DROPPED_RESPONSE_HEADERS | {"x-request-id"})
UPSTREAM_REQUEST_ID = b"x-upstream-request-id"
STALLED_MESSAGE = "The provider stopped sending the answer; the stream is incomplete."
UNFINISHED_MESSAGE = (
    "The provider ended the stream before its end marker; the answer may be incomplete."
)


def upstream_headers(headers: dict[str, str]) -> dict[str, str]:
    connection = headers.get("connection")
    dropped = DROPPED_REQUEST_HEADERS | connection_listed(connection) if connection else None
    return {k: v for k, v in headers.items() if k not in (dropped or DROPPED_REQUEST_HEADERS)}


def client_headers(response: aiohttp.ClientResponse, extra: Headers, record: CallRecord) -> Headers:
    headers = list(extra)
    connection = response.headers.get("connection")
    listed = {n.encode() for n in connection_listed(connection)} if connection else ()
    deployment = record.deployment
    passes = deployment is not None and deployment.pass_provider_headers
    withheld = withheld_when_passed(extra) if passes else ACCOUNT_PREFIXES
    for name, value in response.raw_headers:
        lowered = name.lower()
        if lowered == b"x-request-id":
            headers.append((UPSTREAM_REQUEST_ID, value))
        elif not (lowered in _NOT_RETURNED or lowered in listed or lowered.startswith(withheld)):
            headers.append((lowered, value))
    return headers


class Forwarder:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    @property
    def session(self) -> aiohttp.ClientSession:
        return self._session

    async def relay(
        self,
        driver: Driver,
        request: UpstreamRequest,
        receive: Receive,
        send: Send,
        record: CallRecord,
        extra_headers: Headers,
    ) -> None:
        try:
            await self._relay(driver, request, receive, send, record, extra_headers)
        except asyncio.CancelledError:
            # The drain deadline of a shutdown passed before the provider answered.
            if record.response_started or not _uncancel():
                raise
            raise GatewayError(GATEWAY_SHUTTING_DOWN) from None

    async def _relay(
        self,
        driver: Driver,
        request: UpstreamRequest,
        receive: Receive,
        send: Send,
        record: CallRecord,
        extra_headers: Headers,
    ) -> None:
        sent_at = time.perf_counter()
        response = await self.open(request)
        await self.relay_response(driver, response, receive, send, record, extra_headers, sent_at)

    async def relay_response(
        self,
        driver: Driver,
        response: aiohttp.ClientResponse,
        receive: Receive,
        send: Send,
        record: CallRecord,
        extra_headers: Headers,
        sent_at: float,
    ) -> None:
        """Relay an upstream answer whose head has arrived (a pool's router opens its own)."""
        record.upstream_ttfb_ms = (time.perf_counter() - sent_at) * 1000
        try:
            if RESPONSE_HEADERS[type(driver)]:  # e.g. custom vendors metered from headers
                cast(ReadsResponseHeaders, driver).on_response_headers(response.headers)
            if 300 <= response.status < 400:
                raise GatewayError(UPSTREAM_REDIRECT_REFUSED)
            content_type = response.headers.get("content-type", "")
            if response.status < 400 and content_type.startswith("text/event-stream"):
                await StreamRelay(driver, response, receive, send, record).run(
                    client_headers(response, extra_headers, record), sent_at
                )
            else:
                await self._relay_whole(driver, response, send, record, extra_headers, sent_at)
        finally:
            response.release()

    async def open(self, request: UpstreamRequest) -> aiohttp.ClientResponse:
        try:
            return await self._session.request(
                request.method,
                request.url,
                headers=request.headers,
                data=request.body,
                allow_redirects=False,
            )
        except TimeoutError:
            raise GatewayError(UPSTREAM_TIMEOUT) from None
        except aiohttp.ClientConnectorError as exc:
            if isinstance(exc.os_error, RefusedAddress):
                raise GatewayError(UPSTREAM_ADDRESS_REFUSED, f"{exc.os_error}.") from None
            raise GatewayError(UPSTREAM_UNREACHABLE) from None
        except aiohttp.ClientError:
            raise GatewayError(UPSTREAM_UNREACHABLE) from None

    async def _relay_whole(
        self,
        driver: Driver,
        response: aiohttp.ClientResponse,
        send: Send,
        record: CallRecord,
        extra_headers: Headers,
        sent_at: float,
    ) -> None:
        try:
            raw = await response.read()
        except TimeoutError:
            raise GatewayError(UPSTREAM_TIMEOUT) from None
        except aiohttp.ClientError:
            raise GatewayError(UPSTREAM_UNREACHABLE) from None
        record.upstream_ms = (time.perf_counter() - sent_at) * 1000
        if response.status >= 400:
            status, body = driver.map_error(response.status, raw)
            if ERROR_HEADERS[type(driver)] and "retry-after" not in response.headers:
                added = cast(AddsErrorHeaders, driver).error_headers(response.status, raw)
                extra_headers = [*extra_headers, *added]
        else:
            translated = driver.parse_response(response.status, raw)
            status, body = response.status, translated.body
            if translated.usage:
                record.usage.merge(translated.usage)
        record.status = status
        record.response_started = True
        await send_whole(send, status, client_headers(response, extra_headers, record), body)


class StreamRelay:
    """Pass SSE events through as they arrive; a client disconnect closes the upstream."""

    def __init__(
        self,
        driver: Driver,
        response: aiohttp.ClientResponse,
        receive: Receive,
        send: Send,
        record: CallRecord,
    ) -> None:
        self._driver = driver
        self._response = response
        self._receive = receive
        self._send = send
        self._record = record
        self._client_gone = False
        self._relayed: list[bytes] = []  # what the caller got, metered only if the stream breaks

    async def run(self, headers: Headers, sent_at: float) -> None:
        record = self._record
        record.streamed = True
        record.status = self._response.status
        record.response_started = True
        await self._send(
            {"type": "http.response.start", "status": record.status, "headers": headers}
        )
        watcher = asyncio.create_task(self._watch_disconnect())
        tail = b""
        broken: tuple[GatewayError, str] | None = None
        try:
            tail = await self._pump()
            if not self._client_gone and self._unfinished():
                error = GatewayError(UPSTREAM_STREAM_INTERRUPTED, UNFINISHED_MESSAGE)
                broken = error, "upstream_unfinished"
        except TimeoutError:
            broken = GatewayError(UPSTREAM_TIMEOUT, STALLED_MESSAGE), "upstream_timeout"
        except aiohttp.ClientError:
            broken = GatewayError(UPSTREAM_STREAM_INTERRUPTED), "upstream_closed"
        except asyncio.CancelledError:  # a shutdown's drain deadline passed mid-stream
            if not _uncancel():
                raise
            broken = GatewayError(GATEWAY_SHUTTING_DOWN), "shutdown"
        finally:
            watcher.cancel()
            record.upstream_ms = (time.perf_counter() - sent_at) * 1000
        if self._client_gone:
            record.status, record.error_code = 499, "client_disconnected"
            record.stream_cut = "client_disconnected"
            return
        if broken is not None:
            self._relayed.append(tail)  # a last event without its blank line still went out
            tail += self._broken_end(*broken)
        await self._send({"type": "http.response.body", "body": tail, "more_body": False})

    def _unfinished(self) -> bool:
        """The body ended cleanly, but before the vendor's end marker."""
        driver = self._driver
        return STREAM_END[type(driver)] and not cast(KnowsStreamEnd, driver).stream_complete()

    def _broken_end(self, error: GatewayError, reason: str) -> bytes:
        """Meter what was delivered and end the stream with an error event, never cleanly."""
        record = self._record
        record.error_code, record.stream_cut = error.code, reason
        call = getattr(self._driver, "call", None)
        payload = getattr(call, "payload", None)
        meter_delivered(record.usage, self._relayed, record.model_requested, payload)
        vendor = record.deployment.vendor.driver if record.deployment else ""
        return error_event(error, speaks_anthropic(record.ingress, vendor))

    async def _pump(self) -> bytes:
        splitter = EventSplitter()
        driver, send = self._driver, self._send
        async for chunk in self._response.content.iter_any():
            out = [self._translate(event) for event in splitter.feed(chunk)]
            if any(out):
                body = b"".join(out)
                self._relayed.append(body)
                await send({"type": "http.response.body", "body": body, "more_body": True})
            if self._client_gone:
                break
        # A last event without its blank line is still an event: the driver sees it (a
        # translating driver must not leak the vendor's format to the caller).
        rest = splitter.rest()
        return (self._translate(rest) if rest.strip() else b"") + driver.stream_end()

    def _translate(self, event: bytes) -> bytes:
        translated = self._driver.parse_stream_event(event)
        if translated.usage:
            self._record.usage.merge(translated.usage)
        return translated.body

    async def _watch_disconnect(self) -> None:
        while (await self._receive())["type"] != "http.disconnect":
            pass
        self._client_gone = True
        self._response.close()  # ends the pump and drops the upstream connection


def _uncancel() -> bool:
    """Take back the cancellation of this task, to end the call in-band; False if the task was
    not cancelled (the CancelledError came from elsewhere)."""
    task = asyncio.current_task()
    if task is None or not task.cancelling():
        return False
    task.uncancel()
    return True
