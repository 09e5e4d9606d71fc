"""Streams pass through event by event, metered from the usage chunk, cancelled on disconnect."""

from __future__ import annotations

import socket

import httpx
import orjson

from tests.proxy.support import eventually, make_deployment
from tests.proxy.test_proxy_forwarding import chat, publish, usage_event


def sse_payloads(body: bytes) -> list:
    events = [e for e in body.split(b"\n\n") if e.strip()]
    return [e.removeprefix(b"data: ") for e in events]


def test_usage_chunk_is_requested_then_removed_when_client_did_not_ask(proxy, mock, registry):
    deployment = make_deployment(mock.url)
    key = publish(registry, [proxy], deployment)

    with httpx.stream(
        "POST",
        f"{proxy.url}/{deployment.route}/chat/completions",
        json=chat(stream=True),
        headers={"apikey": key},
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        body = response.read()
        request_id = response.headers["x-request-id"]

    sent = orjson.loads(mock.requests()[0]["body"])
    assert sent["stream_options"] == {"include_usage": True}
    payloads = sse_payloads(body)
    assert payloads[-1] == b"[DONE]"
    chunks = [orjson.loads(p) for p in payloads[:-1]]
    assert all(chunk["choices"] for chunk in chunks)  # no usage-only chunk reached the client
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks)
    assert text == "Hello from the mock provider."
    event = usage_event(registry, request_id)
    assert (event["prompt_tokens"], event["completion_tokens"], event["streamed"]) == (3, 5, True)


def test_usage_chunk_is_kept_when_client_asked(proxy, mock, registry):
    deployment = make_deployment(mock.url)
    key = publish(registry, [proxy], deployment)
    request = chat(stream=True, stream_options={"include_usage": True})

    response = httpx.post(
        f"{proxy.url}/{deployment.route}/chat/completions", json=request, headers={"apikey": key}
    )

    usage_chunk = orjson.loads(sse_payloads(response.content)[-2])
    assert usage_chunk["choices"] == []
    assert usage_chunk["usage"]["total_tokens"] == 8


def test_azure_stream_keeps_filter_chunk_and_meters(proxy, mock, registry):
    deployment = make_deployment(mock.url, vendor="azure", endpoint_settings={"deployment": "dep"})
    key = publish(registry, [proxy], deployment)
    response = httpx.post(
        f"{proxy.url}/{deployment.route}/completions",
        json={"prompt": "one two", "stream": True},
        headers={"apikey": key},
    )
    payloads = sse_payloads(response.content)
    assert b"prompt_filter_results" in payloads[0]
    assert not any(b'"choices":[],"usage"' in p for p in payloads)
    event = usage_event(registry, response.headers["x-request-id"])
    assert (event["prompt_tokens"], event["completion_tokens"]) == (2, 5)
    assert event["model_answered"] == "dep-2024-08-06"


def test_events_arrive_before_the_stream_ends(proxy, mock, registry):
    deployment = make_deployment(mock.url)
    key = publish(registry, [proxy], deployment)
    headers = {"apikey": key, "x-mock-chunk-delay": "0.3"}
    with httpx.stream(
        "POST",
        f"{proxy.url}/{deployment.route}/chat/completions",
        json=chat(stream=True),
        headers=headers,
    ) as response:
        first = next(response.iter_raw())
        # The mock is still sleeping between chunks: the first event came through on its own.
        assert first.startswith(b"data: ") and b"[DONE]" not in first
        assert mock.requests()[0]["completed"] is False


def test_client_disconnect_cancels_the_upstream_stream(proxy, mock, registry):
    deployment = make_deployment(mock.url)
    key = publish(registry, [proxy], deployment)
    body = orjson.dumps(chat(stream=True))
    request = (
        f"POST /{deployment.route}/chat/completions HTTP/1.1\r\nHost: x\r\n"
        f"apikey: {key}\r\nx-mock-chunk-delay: 0.5\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    ).encode() + body
    with socket.create_connection(("127.0.0.1", proxy.port)) as client:
        client.sendall(request)
        received = b""
        while b"data: " not in received:  # the headers, then the first event
            received += client.recv(65536)
    # The proxy noticed, dropped the upstream connection, and the mock saw its client go.
    eventually(lambda: mock.requests()[0]["disconnected"])
    events = eventually(
        lambda: [
            e for e in registry.usage_events() if e["api_id"] == deployment.api_id and e["streamed"]
        ]
    )
    assert events[0]["status"] == 499 and events[0]["error_code"] == "client_disconnected"
