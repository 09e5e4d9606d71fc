"""The demo upstream's ASGI app: vendor routing, request recording, the control endpoints.

Adding a vendor (Anthropic, Gemini, Cohere…) is a module with PREFIX and `handle`, plus one
line in VENDORS.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import orjson

from demo_upstream import anthropic, azure, cohere, compatible, gemini, mistral, openai
from demo_upstream.common import MockRequest, Response, StreamResponse
from demo_upstream.faults import StreamFault, UpstreamCut, faulty
from demo_upstream.recorder import RecordedRequest, Recorder
from demo_upstream.targets import Targets, faulted, split_target

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Handler = Callable[[MockRequest], Awaitable[Response | StreamResponse]]

VENDORS: dict[str, Handler] = {
    module.PREFIX: module.handle
    for module in (openai, azure, mistral, anthropic, gemini, cohere, compatible)
}
# On every answer, so nobody mistakes a canned reply for a vendor's.
LABEL = (b"x-demo-upstream", b"stand-in")
ABOUT = {
    "service": "tollgate-demo-upstream",
    "description": "A stand-in for the LLM vendors with canned answers; not a real model.",
    "vendors": sorted(prefix.lstrip("/") for prefix in VENDORS),
    "control": [
        "GET /_mock/requests",
        "DELETE /_mock/requests",
        "GET /_mock/health",
        "PUT /_mock/targets/{name}",
        "DELETE /_mock/targets/{name}",
    ],
    "stream_faults": [
        "x-mock-stream-cut-after: N",
        "x-mock-stream-stall-after: N",
        "x-mock-stream-close-after: N",
        "or a model named mock-stream-{cut,stall,close}-after-N",
    ],
    "targets": "/_t/{name}/… serves /… as target `name`, with the fault PUT for it",
}


class DemoUpstream:
    """One app instance holds its own record of the requests it received."""

    def __init__(self) -> None:
        self.recorder = Recorder()
        self.targets = Targets()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        body = await _read_body(receive)
        path = scope["path"]
        if path.startswith("/_mock/targets/"):
            name = path.removeprefix("/_mock/targets/")
            await _send_response(send, self.targets.control(scope["method"], name, body))
            return
        if path == "/" or path.startswith("/_mock/"):
            await _send_response(send, self._control(scope["method"], path))
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        query = scope["query_string"].decode("latin-1")
        target, path = split_target(path)
        record = self.recorder.add(scope["method"], path, query, headers, body)
        record["target"] = target
        fault = self.targets.fault_of(target)
        response = await faulted(fault) or await _answer(
            scope["method"], path, query, headers, body
        )
        if isinstance(response, StreamResponse):
            stream_fault = StreamFault.from_request(headers, path, body)
            if fault.cut_after is not None:
                stream_fault = StreamFault(cut_after=fault.cut_after)
            response.events = faulty(response.events, stream_fault)
            await _send_stream(send, receive, response, record)
        else:
            await _send_response(send, response)
        record["completed"] = not record["disconnected"]

    def _control(self, method: str, path: str) -> Response:
        if path == "/_mock/requests" and method == "GET":
            return Response(200, orjson.dumps({"requests": self.recorder.all()}))
        if path == "/_mock/requests" and method == "DELETE":
            self.recorder.clear()
            return Response(200, b'{"cleared": true}')
        if path == "/_mock/health":
            return Response(200, orjson.dumps({"status": "ok", **ABOUT}))
        if path == "/":
            return Response(200, orjson.dumps(ABOUT))
        return Response(404, b'{"error": "unknown control endpoint"}')


async def _answer(
    method: str, path: str, query: str, headers: dict[str, str], body: bytes
) -> Response | StreamResponse:
    prefix = "/" + path.split("/", 2)[1]
    handler = VENDORS.get(prefix)
    if handler is None:
        return Response(404, b'{"error": "no such vendor"}')
    return await handler(MockRequest(method, path.removeprefix(prefix), query, headers, body))


async def _read_body(receive: Receive) -> bytes:
    parts = []
    while True:
        message = await receive()
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(parts)


async def _send_response(send: Send, response: Response) -> None:
    headers = [(b"content-type", response.content_type), LABEL, *response.headers]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


async def _send_stream(
    send: Send, receive: Receive, response: StreamResponse, record: RecordedRequest
) -> None:
    headers = [*response.headers, LABEL, (b"cache-control", b"no-cache")]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
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


async def _pump(send: Send, response: StreamResponse) -> None:
    try:
        async for event in response.events:
            await send({"type": "http.response.body", "body": event, "more_body": True})
    except UpstreamCut:
        return  # the response never completes: the server drops the connection mid-body
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _wait_disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


app = DemoUpstream()
