"""A tenant's custom vendor through a real proxy: its auth and its usage paths, a header path
included (the proxy hands the driver the response headers before the body)."""

from __future__ import annotations

from dataclasses import replace

import httpx
import orjson

from proxy.contract import Auth, Operation, Vendor
from tests.proxy.gateways import tokens_of
from tests.proxy.support import make_deployment, provider_key

# Any HTTP API will do: here the mock's Anthropic Messages endpoint, described as a custom vendor.
CUSTOM = Vendor(
    "acme-llm",
    "Acme LLM",
    "v1",
    "custom",
    Auth("header", "x-api-key", ""),
    usage_paths={
        "prompt_tokens": "$.usage.input_tokens",
        "completion_tokens": "$.usage.output_tokens",
        "request_model": "$.model",
        "response_model": "header:request-id",
    },
)


def test_custom_vendor_is_metered_from_its_paths_and_headers(gateway, mock):
    secret = provider_key("acme")
    deployment = make_deployment(mock.url, vendor="anthropic", production_key=secret)
    deployment = replace(deployment, vendor=CUSTOM, operations=(Operation("POST", "/v1/messages"),))
    key = gateway.publish(deployment)
    payload = {
        "model": "acme-large",
        "max_tokens": 50,
        "messages": [{"role": "user", "content": "say hi please"}],
    }
    response = httpx.post(
        f"{gateway.base_url(deployment)}/v1/messages",
        json=payload,
        headers={"apikey": key, "anthropic-version": "2023-06-01"},
    )

    assert response.status_code == 200, response.text
    assert response.json()["content"][0]["text"] == "Hello from the mock provider."
    [received] = mock.requests()
    assert received["headers"]["x-api-key"] == secret
    assert orjson.loads(received["body"]) == payload  # passed through untouched
    [event] = gateway.metered(deployment, 1)
    assert tokens_of(event) == (3, 5, 8)
    assert event["model_requested"] == "acme-large"
    assert event["model_answered"] == "req_mock_upstream"  # read from the response header
