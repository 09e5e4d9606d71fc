"""The stream relay hands a last event that lacks its blank line to the driver too, so a
translating driver never leaks the vendor's format to an OpenAI caller; a stream that ends
before its end marker ends with an error event."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import orjson
import pytest

from proxy.forward import StreamRelay
from proxy.providers.openai.driver import ends_openai_stream
from proxy.providers.registry import driver_class
from proxy.record import CallRecord
from tests.proxy.providers.golden import FIXTURES, make_call, sse_view


class FakeContent:
    def __init__(self, chunks: list[bytes]) -> None:
        self._chunks = chunks

    async def iter_any(self) -> AsyncIterator[bytes]:
        for chunk in self._chunks:
            yield chunk


class FakeResponse:
    status = 200

    def __init__(self, chunks: list[bytes]) -> None:
        self.content = FakeContent(chunks)

    def close(self) -> None:
        return None


async def connected_client() -> dict:
    await asyncio.Event().wait()  # never disconnects
    return {"type": "http.disconnect"}


def relay(driver, chunks: list[bytes]) -> tuple[bytes, CallRecord]:
    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    record = CallRecord("req-tail", time.perf_counter(), "POST", "/x")
    stream = StreamRelay(driver, FakeResponse(chunks), connected_client, send, record)
    asyncio.run(stream.run([], time.perf_counter()))
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return body, record


def test_a_last_event_without_its_blank_line_is_translated():
    raw = (FIXTURES / "gemini" / "streams" / "text.sse").read_bytes().rstrip(b"\r\n")
    payload = {
        "model": "gemini-2.0-flash",
        "messages": [{"role": "user", "content": "hi"}],
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    driver = driver_class("gemini")(make_call("gemini", payload=payload))
    body, record = relay(driver, [raw[:50], raw[50:]])

    events = sse_view(body)
    assert events[-1]["data"] == "[DONE]"
    assert b"candidates" not in body and b"usageMetadata" not in body
    usage = events[-2]["data"]["usage"]
    assert usage["total_tokens"] == record.usage.total_tokens > 0


def test_a_native_tail_still_reaches_the_caller_and_is_metered():
    last = orjson.dumps(
        {"id": "c", "choices": [], "usage": {"prompt_tokens": 2, "total_tokens": 3}}
    )
    finished = b'data: {"id": "c", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}'
    chunks = [finished + b"\n\n", b"data: " + last]
    payload = {"model": "m", "messages": [], "stream": True}
    call = make_call("openai", payload=payload, ingress="native")
    call.client_wants_usage = True
    body, record = relay(driver_class("openai")(call), chunks)
    assert body.endswith(last)
    assert (record.usage.prompt_tokens, record.usage.total_tokens) == (2, 3)


def test_a_stream_closed_before_done_ends_with_an_error_and_is_metered():
    chunks = [
        b'data: {"id":"c","choices":[{"index":0,"delta":{"content":"Hello there"},'
        b'"finish_reason":null}]}\n\n'
    ]
    payload = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
    call = make_call("openai", payload={**payload, "stream": True}, ingress="native")
    body, record = relay(driver_class("openai")(call), chunks)
    assert body.startswith(chunks[0])
    assert sse_view(body)[-1]["data"]["error"]["code"] == "upstream_stream_interrupted"
    assert record.stream_cut == "upstream_unfinished"
    assert record.usage.completion_tokens == 2 and record.usage.prompt_tokens > 0


@pytest.mark.parametrize(
    "event, ends",
    [
        (b"data: [DONE]\n\n", True),
        (b'data: {"choices":[{"delta":{},"finish_reason":"stop"}]}\n\n', True),
        (b'data: {"choices":[{"delta":{},"finish_reason": "length"}]}\n\n', True),
        (b'data: {"choices":[{"delta":{},"finish_reason":null}]}\n\n', False),
        (b'data: {"choices":[{"delta":{"content":"\\"finish_reason\\": \\"x\\""}}]}\n\n', False),
        (b'data: {"choices":[{"delta":{"content":"data: [DONE]"}}]}\n\n', False),
        (b'data: {"error":{"message":"overloaded"}}\n\n', True),
    ],
)
def test_what_ends_an_openai_stream(event, ends):
    assert ends_openai_stream(event) is ends
