"""The drivers against the mock vendors (in process): what a driver sends is what the mock's
real-format handler accepts, and what the mock answers translates back with the right usage.
The same pairing runs end to end through the proxy in the e2e suite."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit

import pytest

from demo_upstream import anthropic, cohere, gemini
from demo_upstream.common import MockRequest, Response, StreamResponse
from proxy.providers.anthropic.ingress import open_driver
from proxy.providers.base import Translated, Usage
from proxy.providers.registry import driver_class
from tests.proxy.providers.golden import make_call, run_stream, sse_view

MOCKS = {"anthropic": anthropic, "gemini": gemini, "cohere": cohere}
MESSAGES = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Say hello to the gateway"},
]
REPLY = "Hello from the mock provider."


def exchange(vendor: str, driver: Any) -> Response | StreamResponse:
    request = driver.build_request()
    url = urlsplit(request.url)
    module = MOCKS[vendor]
    mock_request = MockRequest(
        request.method,
        url.path.removeprefix(module.PREFIX),
        url.query,
        request.headers,
        request.body or b"",
    )
    return asyncio.run(module.handle(mock_request))


def collect(response: StreamResponse) -> bytes:
    async def gather() -> bytes:
        return b"".join([event async for event in response.events])

    return asyncio.run(gather())


def unified(vendor: str, **extra: Any) -> Any:
    payload = {"model": "mock-model", "messages": MESSAGES, **extra}
    call = make_call(vendor, payload=payload, endpoint=f"http://mock.test{MOCKS[vendor].PREFIX}")
    return driver_class(vendor)(call)


@pytest.mark.parametrize("vendor", MOCKS)
def test_unified_chat(vendor: str) -> None:
    driver = unified(vendor)
    response = exchange(vendor, driver)
    assert isinstance(response, Response) and response.status == 200, response
    translated: Translated = driver.parse_response(200, response.body)
    body = json.loads(translated.body)
    assert body["choices"][0]["message"]["content"] == REPLY
    assert body["choices"][0]["finish_reason"] == "stop"
    # prompt words: "Be brief." + "Say hello to the gateway" = 7; reply words = 5
    assert body["usage"] == {"prompt_tokens": 7, "completion_tokens": 5, "total_tokens": 12}
    assert translated.usage is not None and translated.usage.total_tokens == 12


@pytest.mark.parametrize("vendor", MOCKS)
def test_unified_stream(vendor: str) -> None:
    driver = unified(vendor, stream=True, stream_options={"include_usage": True})
    response = exchange(vendor, driver)
    assert isinstance(response, StreamResponse)
    body, usage = run_stream(driver, collect(response))
    events = sse_view(body)
    assert events[-1]["data"] == "[DONE]"
    text = "".join(
        (c["delta"].get("content") or "") for e in events[:-1] for c in e["data"]["choices"]
    )
    assert text == REPLY
    assert events[-2]["data"]["usage"] == {
        "prompt_tokens": 7,
        "completion_tokens": 5,
        "total_tokens": 12,
    }
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (7, 5, 12)


@pytest.mark.parametrize("vendor", MOCKS)
def test_unified_tool_call(vendor: str) -> None:
    tools = [
        {
            "type": "function",
            "function": {
                "name": "search",
                "parameters": {"type": "object", "properties": {"query": {"type": "string"}}},
            },
        }
    ]
    payload = {"model": "mock-tool-call", "messages": MESSAGES, "tools": tools}
    call = make_call(vendor, payload=payload, endpoint=f"http://mock.test{MOCKS[vendor].PREFIX}")
    driver = driver_class(vendor)(call)
    response = exchange(vendor, driver)
    body = json.loads(driver.parse_response(200, response.body).body)
    choice = body["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    call_made = choice["message"]["tool_calls"][0]["function"]
    assert (call_made["name"], json.loads(call_made["arguments"])) == ("search", {"query": "mock"})


@pytest.mark.parametrize("vendor", MOCKS)
def test_bad_provider_key_maps_to_openai_error(vendor: str) -> None:
    driver = unified(vendor)
    driver.call.credential = "bad-key"
    response = exchange(vendor, driver)
    assert response.status in (400, 401)
    status, body = driver.map_error(response.status, response.body)
    error = json.loads(body)["error"]
    assert status == response.status and error["message"] and "type" in error


@pytest.mark.parametrize("vendor", MOCKS)
def test_anthropic_ingress_stream(vendor: str) -> None:
    payload = {
        "model": "mock-model",
        "max_tokens": 100,
        "system": "Be brief.",
        "stream": True,
        "messages": [{"role": "user", "content": "Say hello to the gateway"}],
    }
    call = make_call(
        vendor,
        payload=payload,
        ingress="anthropic",
        operation="/v1/messages",
        endpoint=f"http://mock.test{MOCKS[vendor].PREFIX}",
    )
    driver = open_driver(call, driver_class(vendor))
    response = exchange(vendor, driver)
    body, usage = run_stream(driver, collect(response))
    events = sse_view(body)
    names = [e["event"] for e in events if e["event"] != "ping"]
    assert names[0] == "message_start" and names[-2:] == ["message_delta", "message_stop"]
    text = "".join(
        e["data"]["delta"].get("text", "") for e in events if e["event"] == "content_block_delta"
    )
    assert text == REPLY
    assert (usage.prompt_tokens, usage.completion_tokens) == (7, 5)


def test_mock_anthropic_requires_version_header() -> None:
    driver = unified("anthropic")
    request = driver.build_request()
    headers = {k: v for k, v in request.headers.items() if k != "anthropic-version"}
    mock_request = MockRequest("POST", "/v1/messages", "", headers, request.body or b"")
    response = asyncio.run(anthropic.handle(mock_request))
    assert response.status == 400


def test_mock_cohere_bills_fewer_tokens_than_it_uses() -> None:
    driver = unified("cohere")
    response = exchange("cohere", driver)
    usage = json.loads(response.body)["usage"]
    assert usage["tokens"]["input_tokens"] > usage["billed_units"]["input_tokens"]
    assert driver.parse_response(200, response.body).usage == Usage(7, 5, 12, "mock-model")
