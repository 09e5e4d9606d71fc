"""A stream the upstream cuts or stalls ends with an error event in the caller's format, so the
official SDKs raise; the part delivered is metered and the usage row says why it was cut."""

from __future__ import annotations

import anthropic
import httpx
import openai
import pytest

from proxy.contract import Operation
from tests.proxy.gateways import native_operations, unified_deployment
from tests.proxy.support import make_deployment
from tests.proxy.test_proxy_forwarding import chat

FAULTS = {
    "cut": ({"x-mock-stream-cut-after": "4"}, "upstream_stream_interrupted", "upstream_closed"),
    "stall": ({"x-mock-stream-stall-after": "4"}, "upstream_timeout", "upstream_timeout"),
    "close": (
        {"x-mock-stream-close-after": "4"},
        "upstream_stream_interrupted",
        "upstream_unfinished",
    ),
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


# A native stream request per vendor, and its event count before the end marker.
NATIVE_STREAMS = {
    "openai": ("/chat/completions", {"model": "gpt-4o-mini", "messages": CHAT, "stream": True}),
    "mistral": ("/chat/completions", {"model": "mock", "messages": CHAT, "stream": True}),
    "anthropic": (
        "/v1/messages",
        {"model": "mock", "max_tokens": 50, "messages": CHAT, "stream": True},
    ),
    "gemini": (
        "/v1beta/models/mock-model:streamGenerateContent?alt=sse",
        {"contents": [{"role": "user", "parts": [{"text": "Say hello"}]}]},
    ),
    "cohere": ("/v2/chat", {"model": "mock", "messages": CHAT, "stream": True}),
}
# Events sent before the clean close: some text, never the end marker.
CLOSE_AFTER = {"openai": 5, "mistral": 5, "anthropic": 5, "gemini": 3, "cohere": 4}


def close_early(vendor: str) -> dict[str, str]:
    return {"x-mock-stream-close-after": str(CLOSE_AFTER[vendor])}


def _native_stream(gateway, mock, vendor: str, headers: dict[str, str]):
    path, body = NATIVE_STREAMS[vendor]
    operations = tuple(Operation(method, op) for method, op in native_operations(vendor))
    deployment = make_deployment(mock.url, vendor=vendor, operations=operations)
    key = gateway.publish(deployment)
    text = httpx.post(
        f"{gateway.base_url(deployment)}{path}",
        json=body,
        headers={"Authorization": f"Bearer {key}", **headers},
        timeout=10,
    ).text
    return deployment, text


@pytest.mark.parametrize("vendor", NATIVE_STREAMS)
def test_a_native_stream_closed_before_its_end_marker_ends_with_an_error(vendor, gateway, mock):
    deployment, body = _native_stream(gateway, mock, vendor, close_early(vendor))
    last = body.rstrip().rsplit("\n\n", 1)[-1]
    if vendor == "anthropic":
        assert last.startswith("event: error") and "message_stop" not in body
    else:
        assert '"upstream_stream_interrupted"' in last and "[DONE]" not in body
    (event,) = gateway.metered(deployment, 1)
    assert event["status"] == 200 and event["streamed"]
    assert event["stream_cut"] == "upstream_unfinished"
    assert event["error_code"] == "upstream_stream_interrupted"
    assert event["completion_tokens"] > 0  # the delivered part, metered


@pytest.mark.parametrize("vendor", NATIVE_STREAMS)
def test_a_whole_native_stream_is_not_taken_for_a_cut_one(vendor, gateway, mock):
    deployment, body = _native_stream(gateway, mock, vendor, {})
    assert "upstream_stream_interrupted" not in body and "event: error" not in body
    (event,) = gateway.metered(deployment, 1)
    assert event["stream_cut"] == "" and event["error_code"] == ""


@pytest.mark.parametrize("vendor", ["anthropic", "gemini", "cohere"])
def test_the_sdks_raise_on_a_translated_stream_closed_early(vendor, gateway, mock):
    deployment = unified_deployment(mock.url, vendor)
    key = gateway.publish(deployment)
    openai_client = openai.OpenAI(api_key=key, base_url=gateway.base_url(deployment), max_retries=0)
    # A translating driver sends no caller headers upstream: the model name asks for the fault.
    model = f"mock-stream-close-after-{CLOSE_AFTER[vendor]}"
    with pytest.raises(openai.APIError) as raised:
        for _ in openai_client.chat.completions.create(model=model, messages=CHAT, stream=True):
            pass
    assert raised.value.body["code"] == "upstream_stream_interrupted"
    anthropic_client = anthropic.Anthropic(
        api_key=key, base_url=gateway.base_url(deployment), max_retries=0
    )
    request = {"model": model, "max_tokens": 100, "messages": CHAT}
    with (
        pytest.raises(anthropic.APIStatusError),
        anthropic_client.messages.stream(**request) as stream,
    ):
        for _ in stream.text_stream:
            pass
    events = gateway.metered(deployment, 2)
    assert {e["stream_cut"] for e in events} == {"upstream_unfinished"}
    assert all(e["completion_tokens"] > 0 for e in events)
