"""AIVAX-style gateways: the publisher's system prompt, default parameters and assistant prefill
reach the vendor, and a caller overrides only what the publisher allows."""

from __future__ import annotations

from dataclasses import replace

import anthropic
import httpx
import openai
import orjson
import pytest

from tests.proxy.gateways import tokens_of, unified_deployment
from tests.proxy.support import make_deployment

SYSTEM_PROMPT = "You are the Acme assistant."
PREFILL = "Answer:"
SETTINGS = {
    "system_prompt": SYSTEM_PROMPT,
    "assistant_prefill": PREFILL,
    "parameters": {
        "model": {"value": "gpt-4o-mini", "overridable": True},
        "temperature": {"value": 0.2, "overridable": True},
        "top_p": {"value": 0.9, "overridable": False},
        "max_tokens": {"value": 4, "overridable": False},
        "stop": {"value": ["END"], "overridable": True},
    },
}
USER = {"role": "user", "content": "say hi please"}


def with_model(overridable: bool) -> dict:
    model = {"value": "gpt-4o-mini", "overridable": overridable}
    return {**SETTINGS, "parameters": {**SETTINGS["parameters"], "model": model}}


def native_openai_api(mock_url: str, settings: dict = SETTINGS, name: str = "Acme Support Bot"):
    deployment = make_deployment(mock_url)
    return replace(deployment, gateway_settings=settings, api_name=name)


def received_body(mock) -> dict:
    [request] = mock.requests()
    return orjson.loads(request["body"])


def openai_sdk(gateway, deployment, key: str) -> openai.OpenAI:
    return openai.OpenAI(api_key=key, base_url=gateway.base_url(deployment), max_retries=0)


def test_defaults_fill_the_request_and_the_api_id_names_the_default_model(gateway, mock):
    deployment = native_openai_api(mock.url)
    key = gateway.publish(deployment)
    with openai_sdk(gateway, deployment, key) as client:
        completion = client.chat.completions.create(model=deployment.api_uuid, messages=[USER])

    assert received_body(mock) == {
        "model": "gpt-4o-mini",
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            USER,
            {"role": "assistant", "content": PREFILL},
        ],
        "temperature": 0.2,
        "top_p": 0.9,
        "max_tokens": 4,
        "stop": ["END"],
    }
    assert completion.usage.completion_tokens == 4  # the mock honours the forced max_tokens
    [event] = gateway.metered(deployment, 1)
    assert event["model_requested"] == "gpt-4o-mini"


def test_overrides_obey_the_publishers_choices(gateway, mock):
    deployment = native_openai_api(mock.url)
    key = gateway.publish(deployment)
    caller_system = {"role": "system", "content": "Reply in French."}
    with openai_sdk(gateway, deployment, key) as client:
        client.chat.completions.create(
            model="gpt-4o",
            messages=[caller_system, USER],
            temperature=1.5,
            top_p=0.1,
            max_completion_tokens=100,
            stop="STOP",
        )

    body = received_body(mock)
    assert body["model"] == "gpt-4o" and body["temperature"] == 1.5 and body["stop"] == "STOP"
    assert body["top_p"] == 0.9  # not overridable
    assert body["max_completion_tokens"] == 4 and "max_tokens" not in body  # forced, same name
    assert body["messages"] == [
        {"role": "system", "content": SYSTEM_PROMPT},
        caller_system,
        USER,
        {"role": "assistant", "content": PREFILL},
    ]


def test_a_model_the_publisher_fixed_cannot_be_changed(gateway, mock):
    deployment = native_openai_api(mock.url, with_model(overridable=False))
    key = gateway.publish(deployment)
    with openai_sdk(gateway, deployment, key) as client:
        client.chat.completions.create(model="gpt-4o", messages=[USER])
        client.chat.completions.create(model="acme-support-bot", messages=[USER])  # the slug
        client.chat.completions.create(model=str(deployment.api_id), messages=[USER])
    assert [orjson.loads(r["body"])["model"] for r in mock.requests()] == ["gpt-4o-mini"] * 3


def test_the_api_id_without_a_default_model_is_refused(gateway, mock):
    settings = {"system_prompt": SYSTEM_PROMPT}
    deployment = native_openai_api(mock.url, settings)
    key = gateway.publish(deployment)
    response = httpx.post(
        f"{gateway.base_url(deployment)}/chat/completions",
        json={"model": deployment.api_uuid, "messages": [USER]},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "missing_model"
    assert mock.requests() == []


def test_defaults_translate_to_anthropic_on_a_unified_api(gateway, mock):
    deployment = unified_deployment(
        mock.url, "anthropic", gateway_settings=with_model(overridable=False)
    )
    key = gateway.publish(deployment)
    with openai_sdk(gateway, deployment, key) as client:
        chunks = list(
            client.chat.completions.create(
                model="claude-x",
                messages=[{"role": "system", "content": "Be brief."}, USER],
                stream=True,
                stream_options={"include_usage": True},
            )
        )

    body = received_body(mock)
    assert body["model"] == "gpt-4o-mini"  # the publisher's model, whatever its name
    assert body["system"] == f"{SYSTEM_PROMPT}\n\nBe brief."
    assert body["messages"] == [USER, {"role": "assistant", "content": PREFILL}]
    assert (body["max_tokens"], body["temperature"], body["top_p"]) == (4, 0.2, 0.9)
    assert body["stop_sequences"] == ["END"]
    usage = next(c.usage for c in chunks if c.usage)
    # prompt: 5 + 2 system words + "say hi please" + "Answer:"; completion: cut to 4 words
    assert (usage.prompt_tokens, usage.completion_tokens) == (11, 4)
    [event] = gateway.metered(deployment, 1)
    assert tokens_of(event) == (11, 4, 15)


@pytest.mark.parametrize("system", ["Be brief.", [{"type": "text", "text": "Be brief."}]])
def test_messages_ingress_gets_the_prompt_first_and_the_prefill_as_last_turn(system, gateway, mock):
    deployment = unified_deployment(mock.url, "anthropic", gateway_settings=SETTINGS)
    key = gateway.publish(deployment)
    client = anthropic.Anthropic(api_key=key, base_url=gateway.base_url(deployment))
    with client:
        message = client.messages.create(
            model="claude-x", max_tokens=50, system=system, messages=[USER]
        )

    body = received_body(mock)
    expected_system = (
        f"{SYSTEM_PROMPT}\n\nBe brief."
        if isinstance(system, str)
        else [{"type": "text", "text": SYSTEM_PROMPT}, *system]
    )
    assert body["system"] == expected_system
    assert body["messages"] == [USER, {"role": "assistant", "content": PREFILL}]
    assert body["model"] == "claude-x" and body["max_tokens"] == 4
    assert message.usage.output_tokens == 4
