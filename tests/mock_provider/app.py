"""The mock provider's ASGI app: vendor routing, request recording, the control endpoints.

Adding a vendor (Anthropic, Gemini, Cohere…) is a module with PREFIX and `handle`, plus one
line in VENDORS.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import orjson

from tests.mock_provider import anthropic, azure, cohere, compatible, gemini, mistral, openai
from tests.mock_provider.common import MockRequest, Response, StreamResponse
from tests.mock_provider.recorder import Recorder

VENDORS = {
    module.PREFIX: module.handle
    for module in (openai, azure, mistral, anthropic, gemini, cohere, compatible)
}
recorder = Recorder()


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    body = await _read_body(receive)
    path = scope["path"]
    if path.startswith("/_mock/"):
        await _send_response(send, _control(scope["method"], path))
        return
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
    query = scope["query_string"].decode("latin-1")
    record = recorder.add(scope["method"], path, query, headers, body)
    prefix = "/" + path.split("/", 2)[1]
    handler = VENDORS.get(prefix)
    if handler is None:
        response: Response | StreamResponse = Response(404, b'{"error": "no such vendor"}')
    else:
        request = MockRequest(scope["method"], path.removeprefix(prefix), query, headers, body)
        response = await handler(request)
    if isinstance(response, StreamResponse):
        await _send_stream(send, receive, response, record)
    else:
        await _send_response(send, response)
    record["completed"] = not record["disconnected"]


def _control(method: str, path: str) -> Response:
    if path == "/_mock/requests" and method == "GET":
        return Response(200, orjson.dumps({"requests": recorder.all()}))
    if path == "/_mock/requests" and method == "DELETE":
        recorder.clear()
        return Response(200, b'{"cleared": true}')
    if path == "/_mock/health":
        return Response(200, b'{"status": "ok"}')
    return Response(404, b'{"error": "unknown control endpoint"}')


async def _read_body(receive: Any) -> bytes:
    parts = []
    while True:
        message = await receive()
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(parts)


async def _send_response(send: Any, response: Response) -> None:
    headers = [(b"content-type", response.content_type), *response.headers]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


async def _send_stream(
    send: Any, receive: Any, response: StreamResponse, record: dict[str, Any]
) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": response.status,
            "headers": [*response.headers, (b"cache-control", b"no-cache")],
        }
    )
    pump = asyncio.ensure_future(_pump(send, response))
    watch = asyncio.ensure_future(_wait_disconnect(receive))
    done, _ = await asyncio.wait({pump, watch}, return_when=asyncio.FIRST_COMPLETED)
    if pump not in done:
        record["disconnected"] = True
        pump.cancel()
    watch.cancel()
    for task in (pump, watch):
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _pump(send: Any, response: StreamResponse) -> None:
    async for event in response.events:
        await send({"type": "http.response.body", "body": event, "more_body": True})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _wait_disconnect(receive: Any) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _lifespan(receive: Any, send: Any) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
