"""Shutdown drains: calls in progress finish within PROXY_DRAIN_TIMEOUT; past it, open streams
end with the in-band error and their usage is still recorded."""

from __future__ import annotations

import httpx
import orjson

from tests.proxy.support import eventually, make_deployment, start_proxy
from tests.proxy.test_proxy_forwarding import chat, publish


def stream_while_stopping(proxy, deployment, key: str, chunk_delay: str) -> tuple[str, str]:
    """Start a slow stream, SIGTERM the proxy after its first bytes, read it to the end."""
    with httpx.stream(
        "POST",
        f"{proxy.url}/{deployment.route}/chat/completions",
        json=chat(stream=True),
        headers={"Authorization": f"Bearer {key}", "x-mock-chunk-delay": chunk_delay},
        timeout=30,
    ) as response:
        chunks = response.iter_text()
        received = next(chunks)
        proxy.signal_stop()
        received += "".join(chunks)
        return response.headers["x-request-id"], received


def test_a_stream_shorter_than_the_drain_deadline_completes(proxy_logs, mock, registry):
    proxy = start_proxy(proxy_logs, REDIS_URL=registry.url, PROXY_DRAIN_TIMEOUT="20")
    try:
        deployment = make_deployment(mock.url)
        key = publish(registry, [proxy], deployment)
        _, body = stream_while_stopping(proxy, deployment, key, "0.2")
    finally:
        proxy.stop()
    assert body.rstrip().endswith("data: [DONE]")


def test_past_the_drain_deadline_a_stream_ends_in_band_and_is_metered(proxy_logs, mock, registry):
    proxy = start_proxy(proxy_logs, REDIS_URL=registry.url, PROXY_DRAIN_TIMEOUT="1")
    try:
        deployment = make_deployment(mock.url)
        key = publish(registry, [proxy], deployment)
        request_id, body = stream_while_stopping(proxy, deployment, key, "1")
    finally:
        proxy.stop()
    last = orjson.loads(body.rstrip().rsplit("\n\n", 1)[-1].removeprefix("data: "))
    assert last["error"]["code"] == "gateway_shutting_down"
    assert "[DONE]" not in body

    def recorded() -> dict | None:
        return next((e for e in registry.usage_events() if e["request_id"] == request_id), None)

    event = eventually(recorded)
    assert event["stream_cut"] == "shutdown" and event["completion_tokens"] > 0
