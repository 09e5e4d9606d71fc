"""Every call's usage event carries its cost, the same streamed or not, with cached and
reasoning tokens priced at their rates for OpenAI, Anthropic and Gemini (both registry modes)."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from proxy.contract import Operation
from tests.proxy.costs.prices import ANTHROPIC, GEMINI, OPENAI
from tests.proxy.gateways import native_operations
from tests.proxy.support import eventually, make_deployment

PROMPT = [{"role": "user", "content": "say hi please"}]
OPENAI_CALL = {
    "model": "gpt-4o-mini",
    "messages": PROMPT,
    "prompt_cache_key": "greeting",
    "reasoning_effort": "low",
}
ANTHROPIC_CALL = {
    "model": "claude-sonnet-4-5-20250929",
    "max_tokens": 50,
    "system": [
        {"type": "text", "text": "Be brief and kind", "cache_control": {"type": "ephemeral"}}
    ],
    "messages": PROMPT,
}
GEMINI_CALL = {
    "contents": [{"role": "user", "parts": [{"text": "say hi please, briefly"}]}],
    "cachedContent": "cachedContents/greeting",
    "generationConfig": {"thinkingConfig": {"thinkingBudget": 64}},
}


def deployment_for(mock_url: str, vendor: str, prices: dict):
    deployment = make_deployment(mock_url, vendor=vendor)
    if vendor != "openai":
        operations = tuple(Operation(m, p) for m, p in native_operations(vendor))
        deployment = replace(deployment, operations=operations)
    return replace(deployment, prices=prices)


def call(gateway, deployment, key: str, path: str, body: dict, stream: bool) -> str:
    url = f"{gateway.base_url(deployment)}{path}"
    if stream and deployment.vendor.slug == "gemini":
        url = url.replace(":generateContent", ":streamGenerateContent") + "?alt=sse"
    elif stream:
        body = {**body, "stream": True}
    response = httpx.post(url, json=body, headers={"apikey": key}, timeout=30)
    assert response.status_code == 200, response.text
    return response.headers["x-request-id"]


def event_of(gateway, request_id: str) -> dict:
    return eventually(
        lambda: next((e for e in gateway.usage_events() if e["request_id"] == request_id), None)
    )


CASES = [
    ("openai", OPENAI, "/chat/completions", OPENAI_CALL, ("cached_tokens", "reasoning_tokens")),
    (
        "anthropic",
        ANTHROPIC,
        "/v1/messages",
        ANTHROPIC_CALL,
        ("cached_tokens", "cache_write_tokens"),
    ),
    (
        "gemini",
        GEMINI,
        "/v1beta/models/gemini-2.5-flash:generateContent",
        GEMINI_CALL,
        ("cached_tokens", "reasoning_tokens"),
    ),
]


@pytest.mark.parametrize(("vendor", "prices", "path", "body", "details"), CASES)
def test_a_streamed_and_a_whole_call_cost_the_same(
    gateway, mock, vendor, prices, path, body, details
):
    deployment = deployment_for(mock.url, vendor, prices)
    key = gateway.publish(deployment)

    whole = event_of(gateway, call(gateway, deployment, key, path, body, stream=False))
    streamed = event_of(gateway, call(gateway, deployment, key, path, body, stream=True))

    assert streamed["streamed"] and not whole["streamed"]
    assert all(whole[name] > 0 for name in details)  # the usage details were read
    counted = ("prompt_tokens", "completion_tokens", *details, "cost_pico", "currency")
    assert {n: streamed[n] for n in counted} == {n: whole[n] for n in counted}
    assert whole["cost_pico"] == expected_cost(whole, prices)
    assert whole["currency"] == "USD"


def expected_cost(event: dict, prices: dict) -> int:
    (price,) = next(iter(prices["models"].values()))
    cached, written = event["cached_tokens"], event["cache_write_tokens"]
    reasoning = event["reasoning_tokens"]
    plain_prompt = event["prompt_tokens"] - cached - written
    return (
        plain_prompt * price["input"]
        + cached * price["cached_input"]
        + written * (price["cache_write"] or price["input"])
        + (event["completion_tokens"] - reasoning) * price["output"]
        + reasoning * (price["reasoning"] or price["output"])
    )


def test_an_unpriced_model_leaves_the_cost_empty(gateway, mock):
    deployment = deployment_for(mock.url, "openai", OPENAI)
    key = gateway.publish(deployment)
    request_id = call(
        gateway, deployment, key, "/chat/completions", {**OPENAI_CALL, "model": "o9"}, False
    )
    event = event_of(gateway, request_id)
    assert event["cost_pico"] is None and event["currency"] == ""
