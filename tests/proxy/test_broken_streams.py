"""A stream the upstream cuts or stalls ends with an error event in the caller's format, so the
official SDKs raise; the part delivered is metered and the usage row says why it was cut."""

from __future__ import annotations

import anthropic
import httpx
import openai
import pytest

from tests.proxy.gateways import unified_deployment
from tests.proxy.support import make_deployment
from tests.proxy.test_proxy_forwarding import chat

FAULTS = {
    "cut": ({"x-mock-stream-cut-after": "4"}, "upstream_stream_interrupted", "upstream_closed"),
    "stall": ({"x-mock-stream-stall-after": "4"}, "upstream_timeout", "upstream_timeout"),
}
CHAT = [{"role": "user", "content": "Say hello to the gateway"}]


@pytest.mark.parametrize("fault", FAULTS)
def test_openai_sdk_raises_and_the_delivered_part_is_metered(fault, gateway, mock):
    headers, code, reason = FAULTS[fault]
    deployment = make_deployment(mock.url)
    key = gateway.publish(deployment)
    client = openai.OpenAI(api_key=key, base_url=gateway.base_url(deployment), max_retries=0)
    received = []
    with pytest.raises(openai.APIError) as raised:
        stream = client.chat.completions.create(
            model="gpt-4o-mini", messages=CHAT, stream=True, extra_headers=headers
        )
        for chunk in stream:
            received.extend(choice.delta.content or "" for choice in chunk.choices)
    assert raised.value.body["code"] == code
    assert "".join(received) == "Hello from the"  # role chunk + three words, then the break

    (event,) = gateway.metered(deployment, 1)
    assert event["streamed"] and event["status"] == 200
    assert (event["error_code"], event["stream_cut"]) == (code, reason)
    assert event["completion_tokens"] == 3  # "Hello from the", counted with the tokenizer
    assert event["prompt_tokens"] > 0 and event["total_tokens"] == (
        event["prompt_tokens"] + event["completion_tokens"]
    )


@pytest.mark.parametrize("fault", FAULTS)
def test_anthropic_sdk_raises_on_the_messages_ingress(fault, gateway, mock):
    headers, code, reason = FAULTS[fault]
    deployment = unified_deployment(mock.url, "openai")
    key = gateway.publish(deployment)
    client = anthropic.Anthropic(api_key=key, base_url=gateway.base_url(deployment), max_retries=0)
    request = {"model": "mock-model", "max_tokens": 100, "messages": CHAT}
    with (
        pytest.raises(anthropic.APIStatusError) as raised,
        client.messages.stream(**request, extra_headers=headers) as stream,
    ):
        for _ in stream.text_stream:
            pass
    assert raised.value.body["type"] == "error"
    anthropic_type = {"upstream_timeout": "timeout_error"}.get(code, "api_error")
    assert raised.value.body["error"]["type"] == anthropic_type
    (event,) = gateway.metered(deployment, 1)
    assert (event["error_code"], event["stream_cut"]) == (code, reason)
    assert event["completion_tokens"] > 0


def test_a_whole_stream_records_no_cut(gateway, mock):
    deployment = make_deployment(mock.url)
    key = gateway.publish(deployment)
    body = httpx.post(
        f"{gateway.base_url(deployment)}/chat/completions",
        json=chat(stream=True),
        headers={"Authorization": f"Bearer {key}"},
        timeout=10,
    ).text
    assert body.rstrip().endswith("data: [DONE]") and '"error"' not in body
    (event,) = gateway.metered(deployment, 1)
    assert event["stream_cut"] == "" and event["error_code"] == ""
