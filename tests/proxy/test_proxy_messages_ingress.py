"""The official `anthropic` SDK (what Claude Code speaks) calls an OpenAI-compatible API through
its Anthropic Messages ingress (`POST …/v1/messages`), whatever the vendor behind it."""

from __future__ import annotations

import anthropic
import orjson
import pytest

from tests.proxy.gateways import REPLY, TOKENS, tokens_of, unified_deployment
from tests.proxy.support import TRANSLATED, provider_key

VENDORS = ["openai", *TRANSLATED]
REQUEST = {
    "model": "mock-model",
    "max_tokens": 100,
    "system": "Be brief.",
    "messages": [{"role": "user", "content": "Say hello to the gateway"}],
}


def sdk(gateway, deployment, key: str) -> anthropic.Anthropic:
    return anthropic.Anthropic(api_key=key, base_url=gateway.base_url(deployment), max_retries=0)


@pytest.mark.parametrize("vendor", VENDORS)
def test_anthropic_sdk_message_and_stream(vendor, gateway, mock):
    secret = provider_key(vendor)
    deployment = unified_deployment(mock.url, vendor, production_key=secret)
    key = gateway.publish(deployment)
    with sdk(gateway, deployment, key) as client:
        message = client.messages.create(**REQUEST)
        with client.messages.stream(**REQUEST) as stream:
            streamed_text = "".join(stream.text_stream)
            final = stream.get_final_message()

    assert message.type == "message" and message.role == "assistant"
    assert message.content[0].text == REPLY and message.stop_reason == "end_turn"
    assert (message.usage.input_tokens, message.usage.output_tokens) == TOKENS[:2]
    assert streamed_text == REPLY and final.stop_reason == "end_turn"
    assert (final.usage.input_tokens, final.usage.output_tokens) == TOKENS[:2]

    for request in mock.requests():
        assert key not in orjson.dumps(request).decode()  # sent as x-api-key, never forwarded
        assert secret in orjson.dumps(request["headers"]).decode()
    events = gateway.metered(deployment, 2)
    assert sorted(e["streamed"] for e in events) == [False, True]
    for event in events:
        assert event["status"] == 200 and tokens_of(event) == TOKENS
        assert event["operation"] == "/v1/messages" and event["model_requested"] == "mock-model"


def test_anthropic_vendor_gets_the_messages_call_as_it_was_sent(gateway, mock):
    deployment = unified_deployment(mock.url, "anthropic")
    key = gateway.publish(deployment)
    with sdk(gateway, deployment, key) as client:
        client.messages.create(**REQUEST, extra_headers={"anthropic-beta": "test-beta"})
    [received] = mock.requests()
    assert received["path"] == "/anthropic/v1/messages"
    assert orjson.loads(received["body"]) == REQUEST
    assert received["headers"]["anthropic-beta"] == "test-beta"


def test_gateway_errors_reach_anthropic_callers_in_anthropic_shape(gateway, mock):
    deployment = unified_deployment(mock.url, "gemini")
    gateway.publish(deployment)
    client = sdk(gateway, deployment, "tg_p_madeupmadeupsecret")
    with client, pytest.raises(anthropic.AuthenticationError) as raised:
        client.messages.create(**REQUEST)
    assert raised.value.body == {
        "type": "error",
        "error": {"type": "authentication_error", "message": "The API key is not valid."},
    }
    assert raised.value.response.headers["x-request-id"]


def test_vendor_errors_reach_anthropic_callers_in_anthropic_shape(gateway, mock):
    deployment = unified_deployment(mock.url, "cohere")
    key = gateway.publish(deployment)
    client = sdk(gateway, deployment, key)
    with client, pytest.raises(anthropic.RateLimitError) as raised:
        client.messages.create(**{**REQUEST, "model": "mock-error-429"})
    assert raised.value.body["type"] == "error"
    assert raised.value.body["error"]["type"] == "rate_limit_error"


@pytest.mark.parametrize("vendor", ["openai", "gemini", "cohere"])
def test_message_start_carries_the_estimated_input_tokens(vendor, gateway, mock):
    """These vendors count the prompt only at the end of a stream: message_start carries the
    gateway's estimate, message_delta the vendor's count."""
    deployment = unified_deployment(mock.url, vendor)
    key = gateway.publish(deployment)
    with sdk(gateway, deployment, key) as client, client.messages.stream(**REQUEST) as stream:
        events = list(stream)
        final = stream.get_final_message()
    (start,) = [e for e in events if e.type == "message_start"]
    assert 0 < start.message.usage.input_tokens < 40  # a two-line prompt, by the tokenizer
    assert final.usage.input_tokens == TOKENS[0]  # the vendor's own count wins at the end
