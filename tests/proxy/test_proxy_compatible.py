"""OpenAI-compatible servers (vLLM, Ollama, LM Studio) are configuration of the OpenAI driver:
a base URL the publisher gives and an optional key."""

from __future__ import annotations

from dataclasses import replace

import anthropic
import openai
import orjson

from proxy.contract import Auth
from tests.proxy.gateways import MESSAGES, REPLY, tokens_of, unified_deployment, without_key
from tests.proxy.support import VENDORS, make_deployment, provider_key

# The mock's OpenAI shape counts words: "Be brief." + "Say hello to the gateway", and its reply.
TOKENS = (7, 5, 12)


def test_a_server_without_key_gets_no_credential(gateway, mock):
    deployment = without_key(make_deployment(mock.url, vendor="compatible"))
    key = gateway.publish(deployment)
    client = openai.OpenAI(api_key=key, base_url=gateway.base_url(deployment), max_retries=0)
    with client:
        completion = client.chat.completions.create(model="llama3.1", messages=MESSAGES)
        chunks = list(
            client.chat.completions.create(model="llama3.1", messages=MESSAGES, stream=True)
        )
        models = client.models.list()

    assert completion.choices[0].message.content == REPLY
    assert completion.model == "llama3.1"
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == REPLY
    assert models.data
    for request in mock.requests():
        assert request["path"].startswith("/compatible/v1/")
        assert "authorization" not in request["headers"]
        assert key not in orjson.dumps(request).decode()
    events = [e for e in gateway.metered(deployment, 3) if e["operation"] == "/chat/completions"]
    assert sorted(e["streamed"] for e in events) == [False, True]
    assert all(tokens_of(e) == TOKENS and e["vendor"] == "openai-compatible" for e in events)


def test_a_server_with_a_key_gets_it_as_a_bearer_token(gateway, mock):
    secret = provider_key("vllm")
    # The built-in catalog entry: the key, when there is one, as `Authorization: Bearer`.
    vendor = replace(VENDORS["compatible"], auth=Auth("header", "Authorization", "Bearer "))
    deployment = make_deployment(mock.url, vendor="compatible", production_key=secret)
    deployment = replace(deployment, vendor=vendor)
    key = gateway.publish(deployment)
    client = openai.OpenAI(api_key=key, base_url=gateway.base_url(deployment), max_retries=0)
    with client:
        client.chat.completions.create(model="llama3.1", messages=MESSAGES)
    [request] = mock.requests()
    assert request["headers"]["authorization"] == f"Bearer {secret}"


def test_anthropic_callers_reach_a_keyless_server_on_a_unified_api(gateway, mock):
    deployment = unified_deployment(mock.url, "compatible", keyless=True)
    key = gateway.publish(deployment)
    client = anthropic.Anthropic(api_key=key, base_url=gateway.base_url(deployment))
    with client:
        message = client.messages.create(
            model="llama3.1",
            max_tokens=100,
            system="Be brief.",
            messages=[{"role": "user", "content": "Say hello to the gateway"}],
        )
    assert message.content[0].text == REPLY
    assert (message.usage.input_tokens, message.usage.output_tokens) == TOKENS[:2]
    [request] = mock.requests()
    assert request["path"] == "/compatible/v1/chat/completions"
    assert "authorization" not in request["headers"]
    [event] = gateway.metered(deployment, 1)
    assert tokens_of(event) == TOKENS
