"""What the translations produce is read correctly by the official SDKs (`openai`,
`anthropic`), served through an in-memory HTTP transport."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anthropic
import httpx
import httpx2
import openai
import pytest

from proxy.providers.anthropic.ingress import open_driver
from proxy.providers.registry import driver_class
from tests.proxy.providers.golden import FIXTURES, make_call, run_stream

VENDOR_STREAMS = {
    "anthropic": "tool_use.sse",
    "gemini": "function_call.sse",
    "cohere": "tool_call.sse",
}
VENDOR_RESPONSES = {
    "anthropic": "tool_use.json",
    "gemini": "function_call.json",
    "cohere": "tool_call.json",
}
PAYLOAD = {"model": "model-x", "messages": [{"role": "user", "content": "Weather?"}]}


def serving(body: bytes, content_type: str, http: Any = httpx) -> Any:
    """A client of the given httpx flavour (the anthropic SDK uses httpx2) that answers every
    request with `body`."""

    def handler(request: Any) -> Any:
        return http.Response(200, content=body, headers={"content-type": content_type})

    return http.Client(transport=http.MockTransport(handler))


def openai_client(body: bytes, content_type: str) -> openai.OpenAI:
    return openai.OpenAI(
        api_key="tg_test", base_url="http://gw.test/v1", http_client=serving(body, content_type)
    )


@pytest.mark.parametrize("vendor", VENDOR_RESPONSES)
def test_openai_sdk_reads_translated_response(vendor: str) -> None:
    driver = driver_class(vendor)(make_call(vendor, payload=PAYLOAD))
    raw = (FIXTURES / vendor / "responses" / VENDOR_RESPONSES[vendor]).read_bytes()
    body = driver.parse_response(200, raw).body
    completion = openai_client(body, "application/json").chat.completions.create(**PAYLOAD)
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    assert choice.message.tool_calls and choice.message.tool_calls[0].function.name
    assert completion.usage and completion.usage.total_tokens > 0


@pytest.mark.parametrize("vendor", VENDOR_STREAMS)
def test_openai_sdk_reads_translated_stream(vendor: str) -> None:
    stream_payload = {**PAYLOAD, "stream": True, "stream_options": {"include_usage": True}}
    driver = driver_class(vendor)(make_call(vendor, payload=stream_payload))
    raw = (FIXTURES / vendor / "streams" / VENDOR_STREAMS[vendor]).read_bytes()
    body, _ = run_stream(driver, raw)
    client = openai_client(body, "text/event-stream")
    arguments: dict[int, str] = {}
    finish, usage = None, None
    for chunk in client.chat.completions.create(**stream_payload):
        usage = chunk.usage or usage
        for choice in chunk.choices:
            finish = choice.finish_reason or finish
            for call in choice.delta.tool_calls or []:
                arguments[call.index] = arguments.get(call.index, "") + (
                    call.function.arguments or "" if call.function else ""
                )
    assert finish == "tool_calls"
    assert all(isinstance(json.loads(a), dict) for a in arguments.values())
    assert usage is not None and usage.total_tokens > 0


def anthropic_client(body: bytes, content_type: str) -> anthropic.Anthropic:
    return anthropic.Anthropic(
        api_key="tg_test",
        base_url="http://gw.test",
        http_client=serving(body, content_type, httpx2),
    )


ANTHROPIC_REQUEST = {
    "model": "claude-gateway-test",  # a real model name may be on the SDK's deprecation list
    "max_tokens": 100,
    "messages": [{"role": "user", "content": "Weather?"}],
}


def ingress(vendor: str, payload: dict):
    call = make_call(vendor, payload=payload, ingress="anthropic", operation="/v1/messages")
    return open_driver(call, driver_class(vendor))


@pytest.mark.parametrize("fixture", ["text.json", "tool_calls.json"])
def test_anthropic_sdk_reads_ingress_message(fixture: str) -> None:
    raw = (FIXTURES / "anthropic_ingress" / "responses" / fixture).read_bytes()
    body = ingress("openai", ANTHROPIC_REQUEST).parse_response(200, raw).body
    message = anthropic_client(body, "application/json").messages.create(**ANTHROPIC_REQUEST)
    assert message.usage.input_tokens > 0 and message.usage.output_tokens > 0
    assert message.stop_reason in ("end_turn", "tool_use")


STREAM_CASES = [
    ("openai", FIXTURES / "anthropic_ingress" / "streams" / "tool_calls.sse"),
    ("gemini", FIXTURES / "gemini" / "streams" / "function_call.sse"),
    ("cohere", FIXTURES / "cohere" / "streams" / "text.sse"),
]


@pytest.mark.parametrize(("vendor", "fixture"), STREAM_CASES, ids=[c[0] for c in STREAM_CASES])
def test_anthropic_sdk_reads_ingress_stream(vendor: str, fixture: Path) -> None:
    driver = ingress(vendor, {**ANTHROPIC_REQUEST, "stream": True})
    body, usage = run_stream(driver, fixture.read_bytes())
    client = anthropic_client(body, "text/event-stream")
    with client.messages.stream(**ANTHROPIC_REQUEST) as stream:
        message = stream.get_final_message()
    assert message.usage.input_tokens == usage.prompt_tokens
    assert message.usage.output_tokens == usage.completion_tokens
    for block in message.content:
        if block.type == "tool_use":
            assert isinstance(block.input, dict) and block.input is not None
    assert message.stop_reason in ("end_turn", "tool_use")
