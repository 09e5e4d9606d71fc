"""The official `openai` SDK calls an OpenAI-compatible (unified) API backed by Anthropic, Gemini
and Cohere, through a real proxy against the mock vendors speaking their real wire formats."""

from __future__ import annotations

import openai
import orjson
import pytest

from core.ingest import drain_usage_stream
from core.models import UsageEvent
from tests.proxy.gateways import (
    MESSAGES,
    REPLY,
    TOKENS,
    Gateway,
    tokens_of,
    unified_deployment,
)
from tests.proxy.support import TRANSLATED, provider_key

UPSTREAM_PATHS = {
    "anthropic": ["/anthropic/v1/messages"] * 2,
    "gemini": [
        "/gemini/v1beta/models/mock-model:generateContent",
        "/gemini/v1beta/models/mock-model:streamGenerateContent",
    ],
    "cohere": ["/cohere/v2/chat"] * 2,
}
# The system message and the user turn, in each vendor's own request format.
VENDOR_BODIES = {
    "anthropic": lambda body: (body["system"], body["messages"][0]["content"]),
    "gemini": lambda body: (
        body["systemInstruction"]["parts"][0]["text"],
        body["contents"][0]["parts"][0]["text"],
    ),
    "cohere": lambda body: (body["messages"][0]["content"], body["messages"][1]["content"]),
}
KEY_HEADERS = {
    "anthropic": ("x-api-key", "{}"),
    "gemini": ("x-goog-api-key", "{}"),
    "cohere": ("authorization", "Bearer {}"),
}


def sdk(gateway, deployment, key: str) -> openai.OpenAI:
    return openai.OpenAI(api_key=key, base_url=gateway.base_url(deployment), max_retries=0)


@pytest.mark.parametrize("vendor", TRANSLATED)
def test_openai_sdk_chat_and_stream(vendor, gateway, mock):
    secret = provider_key(vendor)
    deployment = unified_deployment(mock.url, vendor, production_key=secret)
    key = gateway.publish(deployment)
    with sdk(gateway, deployment, key) as client:
        completion = client.chat.completions.create(model="mock-model", messages=MESSAGES)
        chunks = list(
            client.chat.completions.create(
                model="mock-model",
                messages=MESSAGES,
                stream=True,
                stream_options={"include_usage": True},
            )
        )

    assert completion.object == "chat.completion"
    assert completion.choices[0].message.content == REPLY
    assert completion.choices[0].finish_reason == "stop"
    usage = completion.usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == TOKENS
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == REPLY
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    [usage_chunk] = [c for c in chunks if c.usage]
    assert not usage_chunk.choices and usage_chunk.usage.total_tokens == TOKENS[2]

    received = mock.requests()
    assert [r["path"] for r in received] == UPSTREAM_PATHS[vendor]
    header, template = KEY_HEADERS[vendor]
    for request in received:
        assert request["headers"][header] == template.format(secret)
        assert key not in orjson.dumps(request).decode()
        body = orjson.loads(request["body"])
        assert VENDOR_BODIES[vendor](body) == ("Be brief.", "Say hello to the gateway")

    events = gateway.metered(deployment, 2)
    assert sorted(e["streamed"] for e in events) == [False, True]
    for event in events:
        assert event["status"] == 200 and tokens_of(event) == TOKENS
        assert event["operation"] == "/chat/completions" and event["vendor"] == vendor
        assert event["model_requested"] == "mock-model" and event["model_answered"]


@pytest.mark.parametrize("vendor", TRANSLATED)
def test_stream_is_metered_without_the_caller_asking_for_usage(vendor, gateway, mock):
    deployment = unified_deployment(mock.url, vendor)
    key = gateway.publish(deployment)
    with sdk(gateway, deployment, key) as client:
        stream = client.chat.completions.create(model="mock-model", messages=MESSAGES, stream=True)
        chunks = list(stream)

    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == REPLY
    assert not any(c.usage for c in chunks)  # no usage chunk the caller did not ask for
    [event] = gateway.metered(deployment, 1)
    assert event["streamed"] and tokens_of(event) == TOKENS


@pytest.mark.parametrize("vendor", TRANSLATED)
def test_vendor_errors_come_back_in_openai_shape(vendor, gateway, mock):
    deployment = unified_deployment(mock.url, vendor)
    key = gateway.publish(deployment)
    with sdk(gateway, deployment, key) as client, pytest.raises(openai.RateLimitError) as raised:
        client.chat.completions.create(model="mock-error-429", messages=MESSAGES)

    error = raised.value.body
    assert raised.value.status_code == 429 and error["type"] == "rate_limit_error"
    assert error["message"] and set(error) >= {"message", "type", "code"}
    [event] = gateway.metered(deployment, 1)
    assert event["status"] == 429


def test_operations_the_vendor_lacks_are_not_routed(gateway, mock):
    deployment = unified_deployment(mock.url, "anthropic")
    key = gateway.publish(deployment)
    with sdk(gateway, deployment, key) as client, pytest.raises(openai.NotFoundError) as raised:
        client.embeddings.create(model="mock-model", input="hello")
    assert raised.value.body["code"] == "operation_not_supported"
    assert mock.requests() == []


@pytest.mark.parametrize("vendor", TRANSLATED)
def test_token_usage_is_stored_in_the_database(vendor, proxy, registry, mock, db, settings):
    """Redis mode end to end: the proxy's events, drained by the worker into core_usageevent."""
    gateway = Gateway("redis", proxy, registry)
    deployment = unified_deployment(mock.url, vendor)
    key = gateway.publish(deployment)
    with sdk(gateway, deployment, key) as client:
        client.chat.completions.create(model="mock-model", messages=MESSAGES)
        list(client.chat.completions.create(model="mock-model", messages=MESSAGES, stream=True))
    gateway.metered(deployment, 2)

    settings.REDIS_URL = registry.url  # the worker drains the Redis the proxy writes to
    drain_usage_stream(consumer="test-worker")

    rows = UsageEvent.objects.filter(api_id=deployment.api_id).order_by("streamed")
    assert [(r.streamed, r.prompt_tokens, r.completion_tokens, r.total_tokens) for r in rows] == [
        (False, *TOKENS),
        (True, *TOKENS),
    ]
    assert {r.vendor for r in rows} == {vendor}
