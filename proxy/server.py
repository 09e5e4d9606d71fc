"""uvicorn's httptools protocol with the two timeouts it lacks: reading headers and the body.

uvicorn closes a keep-alive connection that stays idle after a response, but nothing else: a
connection that never sends a request, or sends its headers or body slowly, would hold a slot
for ever. Here a request must complete its headers within PROXY_HEADER_TIMEOUT of its first
byte (or of the connection opening), and its body may pause at most PROXY_BODY_TIMEOUT between
two reads. On expiry the connection gets a 408 `request_timeout` in the gateway's error shape
when a response is still possible (no response started), then it is closed.

Arming a deadline only records it: a connection keeps at most one timer, never further ahead
than the shorter timeout, which on firing expires the connection or waits for the deadline's
rest. A call then costs no timer created or cancelled per phase, and no deadline fires late.
"""

from __future__ import annotations

import asyncio
from functools import cache
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from proxy.config import ProxyConfig
from proxy.errors import REQUEST_TIMEOUT, GatewayError


@cache
def timeouts() -> tuple[float, float, float]:
    """(header, body, timer step) seconds, read once per process (uvicorn builds a protocol per
    connection); the step is the shorter timeout that is on."""
    config = ProxyConfig.from_env()
    header, body = config.header_timeout, config.body_timeout
    return header, body, min((t for t in (header, body) if t > 0), default=0.0)


@cache
def timeout_response() -> bytes:
    body = GatewayError(REQUEST_TIMEOUT).render()
    head = (
        b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
        b"connection: close\r\ncontent-length: " + str(len(body)).encode() + b"\r\n\r\n"
    )
    return head + body


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_timeout, self._body_timeout, self._step = timeouts()
        self._deadline: float | None = None  # loop time; None: nothing to time
        self._timer: asyncio.TimerHandle | None = None
        self._received_any = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm(self._header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        self._deadline = None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self._received_any = True
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._arm(self._header_timeout)  # the next request on a kept-alive connection

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._arm(self._body_timeout)

    def on_body(self, body: bytes) -> None:
        super().on_body(body)
        self._arm(self._body_timeout)

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()

    def _arm(self, seconds: float) -> None:
        if seconds <= 0:
            self._deadline = None
            return
        now = self.loop.time()
        self._deadline = now + seconds
        if self._timer is None:  # a pending one fires within `step`, before this deadline
            self._timer = self.loop.call_at(now + self._step, self._check)

    def _disarm(self) -> None:
        self._deadline = None  # a pending timer finds nothing to do and is not renewed

    def _check(self) -> None:
        self._timer = None
        deadline = self._deadline
        if deadline is None:
            return
        now = self.loop.time()
        if now < deadline:
            self._timer = self.loop.call_at(min(deadline, now + self._step), self._check)
            return
        self._expire()

    def _expire(self) -> None:
        self._deadline = None
        transport = self.transport
        if transport is None or transport.is_closing():
            return
        cycle = self.cycle
        answerable = cycle is None or not cycle.response_started
        if cycle is not None:
            cycle.disconnected = True  # the app sees a disconnect; its sends go nowhere
            cycle.message_event.set()
        if answerable and self._received_any:
            transport.write(timeout_response())
        transport.close()
