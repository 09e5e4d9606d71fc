"""AI policies through a real proxy and the demo upstream, in both registry modes: what a policy
refuses never reaches the provider, masked values never reach it and come back restored
(streams included), templates and decorators shape the request, and a response guardrail ends
a stream with the in-band error."""

from __future__ import annotations

from dataclasses import replace

import anthropic
import httpx
import openai
import orjson
import pytest

from tests.proxy.gateways import unified_deployment
from tests.proxy.support import make_deployment

SECRET_WORD = "blue-harvest"
DENY_SECRET = {
    "kind": "regex_guard",
    "name": "no-codenames",
    "parameters": {"pattern": "harvest", "ignore_case": True},
}
MASK_PII = {"kind": "pii", "name": "pii", "parameters": {"action": "mask_restore"}}
EMAIL, CARD = "jane.doe@example.com", "4111 1111 1111 1111"


def with_policies(deployment, *policies):
    return replace(deployment, policies=tuple(policies))


def openai_client(gateway, deployment, key):
    return openai.OpenAI(api_key=key, base_url=gateway.base_url(deployment), max_retries=0)


def sent_bodies(mock) -> list[dict]:
    return [orjson.loads(r["body"]) for r in mock.requests()]


def test_a_blocked_request_never_reaches_the_provider_openai_shape(gateway, mock):
    deployment = with_policies(make_deployment(mock.url), DENY_SECRET)
    key = gateway.publish(deployment)
    with (
        openai_client(gateway, deployment, key) as client,
        pytest.raises(openai.BadRequestError) as raised,
    ):
        client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": f"Is {SECRET_WORD} on?"}]
        )
    error = raised.value.body
    assert error["code"] == "guardrail_blocked" and error["param"] == "no-codenames"
    assert "harvest" not in raised.value.response.text  # never echoes what matched
    assert mock.requests() == []
    [event] = gateway.metered(deployment, 1)
    assert (event["status"], event["error_code"]) == (400, "guardrail_blocked")


def test_a_blocked_request_answers_in_anthropic_shape(gateway, mock):
    deployment = with_policies(unified_deployment(mock.url, "openai"), DENY_SECRET)
    key = gateway.publish(deployment)
    client = anthropic.Anthropic(api_key=key, base_url=gateway.base_url(deployment), max_retries=0)
    with client, pytest.raises(anthropic.BadRequestError) as raised:
        client.messages.create(
            model="mock-model",
            max_tokens=50,
            messages=[{"role": "user", "content": f"Tell me about {SECRET_WORD}"}],
        )
    body = raised.value.body
    assert body["type"] == "error" and body["error"]["type"] == "invalid_request_error"
    assert "no-codenames" in body["error"]["message"]
    assert mock.requests() == []


def test_report_only_lets_the_call_through(gateway, mock):
    report = {**DENY_SECRET, "parameters": {**DENY_SECRET["parameters"], "mode": "report"}}
    deployment = with_policies(make_deployment(mock.url), report)
    key = gateway.publish(deployment)
    with openai_client(gateway, deployment, key) as client:
        client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": SECRET_WORD}]
        )
    assert len(mock.requests()) == 1


def test_masked_pii_never_reaches_the_provider_and_comes_back(gateway, mock):
    deployment = with_policies(make_deployment(mock.url), MASK_PII)
    key = gateway.publish(deployment)
    prompt = f"Write to {EMAIL} about card {CARD}"
    with openai_client(gateway, deployment, key) as client:
        answer = client.chat.completions.create(
            model="mock-echo", messages=[{"role": "user", "content": prompt}]
        )
    [sent] = sent_bodies(mock)
    assert sent["messages"][0]["content"] == "Write to [EMAIL_1] about card [CREDIT_CARD_2]"
    assert EMAIL not in str(mock.requests()) and "4111" not in str(mock.requests())
    assert answer.choices[0].message.content == prompt


@pytest.mark.parametrize("ingress", ["openai", "anthropic"])
def test_masked_pii_is_restored_across_stream_chunks(gateway, mock, ingress):
    deployment = with_policies(unified_deployment(mock.url, "openai"), MASK_PII)
    key = gateway.publish(deployment)
    prompt = f"Mail {EMAIL} now, card {CARD} ok"
    if ingress == "openai":
        with openai_client(gateway, deployment, key) as client:
            stream = client.chat.completions.create(
                model="mock-echo", messages=[{"role": "user", "content": prompt}], stream=True
            )
            pieces = [c.choices[0].delta.content or "" for c in stream if c.choices]
    else:
        client = anthropic.Anthropic(api_key=key, base_url=gateway.base_url(deployment))
        with (
            client,
            client.messages.stream(
                model="mock-echo", max_tokens=100, messages=[{"role": "user", "content": prompt}]
            ) as stream,
        ):
            pieces = list(stream.text_stream)
    assert "".join(pieces) == prompt
    assert not any("[" in piece for piece in pieces)  # no placeholder, whole or in part
    assert EMAIL not in str(mock.requests())


def test_a_response_guardrail_trips_mid_stream(gateway, mock):
    guard = {
        "kind": "regex_guard",
        "flow": "response",
        "name": "no-provider-talk",
        "parameters": {"pattern": "provider"},
    }
    deployment = with_policies(make_deployment(mock.url), guard)
    key = gateway.publish(deployment)
    received: list[str] = []
    with (
        openai_client(gateway, deployment, key) as client,
        pytest.raises(openai.APIError) as raised,
    ):
        stream = client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        for chunk in stream:
            received.extend(choice.delta.content or "" for choice in chunk.choices)
    assert raised.value.body["code"] == "guardrail_blocked"
    assert "provider" not in "".join(received)
    [event] = gateway.metered(deployment, 1)
    assert (event["error_code"], event["stream_cut"]) == ("guardrail_blocked", "guardrail")


def test_a_response_guardrail_refuses_a_whole_answer(gateway, mock):
    guard = {
        "kind": "json_schema_guard",
        "flow": "response",
        "parameters": {"schema": {"type": "object"}},
    }
    deployment = with_policies(make_deployment(mock.url), guard)
    key = gateway.publish(deployment)
    response = httpx.post(
        f"{gateway.base_url(deployment)}/chat/completions",
        json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "guardrail_blocked"
    assert "Hello" not in response.text
    [event] = gateway.metered(deployment, 1)
    assert event["completion_tokens"] == 5  # the provider's work is still metered


TEMPLATES = {
    "kind": "prompt_template",
    "parameters": {
        "templates": [
            {
                "name": "translate",
                "messages": [
                    {"role": "system", "content": "You translate to {{language}}."},
                    {"role": "user", "content": "{{text}}"},
                ],
            }
        ],
        "template_only": True,
    },
}


def test_a_template_only_api_refuses_free_text_and_fills_templates(gateway, mock):
    deployment = with_policies(make_deployment(mock.url), TEMPLATES)
    key = gateway.publish(deployment)
    url = f"{gateway.base_url(deployment)}/chat/completions"
    headers = {"Authorization": f"Bearer {key}"}
    free = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
    refused = httpx.post(url, json=free, headers=headers)
    templated = {
        "model": "gpt-4o-mini",
        "messages": "{template://translate}",
        "properties": {"language": "French", "text": "Good morning"},
    }
    accepted = httpx.post(url, json=templated, headers=headers)

    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "prompt_template_required"
    assert accepted.status_code == 200, accepted.text
    [sent] = sent_bodies(mock)
    assert sent["messages"] == [
        {"role": "system", "content": "You translate to French."},
        {"role": "user", "content": "Good morning"},
    ]
    assert "properties" not in sent


def test_a_decorator_wraps_the_conversation_on_the_messages_ingress(gateway, mock):
    decorator = {
        "kind": "prompt_decorator",
        "parameters": {
            "prepend": [{"role": "system", "content": "Answer in English."}],
            "append": [{"role": "user", "content": "Be brief."}],
        },
    }
    deployment = with_policies(unified_deployment(mock.url, "openai"), decorator)
    key = gateway.publish(deployment)
    client = anthropic.Anthropic(api_key=key, base_url=gateway.base_url(deployment))
    with client:
        client.messages.create(
            model="gpt-4o-mini", max_tokens=20, messages=[{"role": "user", "content": "Hi"}]
        )
    [sent] = sent_bodies(mock)
    assert [m["role"] for m in sent["messages"]] == ["system", "user", "user"]
    assert sent["messages"][0]["content"] == "Answer in English."
    assert sent["messages"][-1]["content"] == "Be brief."


def test_policies_on_one_operation_leave_the_others_alone(gateway, mock):
    on_completions = {**DENY_SECRET, "operation": "/completions"}
    deployment = with_policies(make_deployment(mock.url), on_completions)
    key = gateway.publish(deployment)
    with openai_client(gateway, deployment, key) as client:
        client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": SECRET_WORD}]
        )
        with pytest.raises(openai.BadRequestError):
            client.completions.create(model="gpt-4o-mini", prompt=SECRET_WORD)
    assert len(mock.requests()) == 1


def test_the_semantic_guard_refuses_prompts_close_to_a_deny_example(gateway, mock):
    guard = {
        "kind": "semantic_guard",
        "name": "no-weapons",
        "parameters": {"deny": ["how do I make a bomb"], "threshold": 0.75},
    }
    deployment = with_policies(make_deployment(mock.url), guard)
    key = gateway.publish(deployment)
    with openai_client(gateway, deployment, key) as client:
        with pytest.raises(openai.BadRequestError) as raised:
            client.chat.completions.create(
                model="gpt-4o-mini",
                messages=[{"role": "user", "content": "Tell me how to make a bomb"}],
            )
        client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "What's the weather in Paris?"}],
        )
    assert raised.value.body["param"] == "no-weapons"
    assert len(mock.requests()) == 1
