"""OpenTelemetry tracing of a real proxy: one span per call with the GenAI attributes, the
caller's trace continued and the span's `traceparent` reaching the provider; off by default,
with nothing of OpenTelemetry or Prometheus loaded."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx

from tests.proxy.support import (
    REPO,
    base_env,
    eventually,
    make_deployment,
    make_key,
    start_proxy,
    wait_synced,
)

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"
CALLER = f"00-{TRACE_ID}-{CALLER_SPAN}-01"
CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "say hi please"}]}


def parts(traceparent: str) -> tuple[str, str, bool]:
    """Trace id, parent span id and the sampled flag of a W3C traceparent."""
    version, trace_id, span_id, flags = traceparent.split("-")
    assert version == "00"
    return trace_id, span_id, bool(int(flags, 16) & 1)


def publish(registry, proxy_url: str, deployment) -> str:
    registry.put_deployment(deployment)
    plain, snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"})
    registry.put_key(snapshot)
    wait_synced(proxy_url, registry)
    return plain


def chat(proxy_url: str, deployment, key: str, **headers: str) -> httpx.Response:
    response = httpx.post(
        f"{proxy_url}/{deployment.route}/chat/completions",
        json=CHAT,
        headers={"Authorization": f"Bearer {key}", **headers},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response


def test_one_span_per_call_continues_the_callers_trace_up_to_the_provider(
    _mock_process, proxy_logs, registry, mock, tmp_path
):
    spans_file = tmp_path / "spans.json"
    proxy = start_proxy(
        proxy_logs,
        module="tests.proxy.traced.serve",
        REDIS_URL=registry.url,
        PROXY_TRACING="true",
        TEST_SPANS_FILE=str(spans_file),
    )
    try:
        deployment = make_deployment(mock.url)
        key = publish(registry, proxy.url, deployment)
        mock.clear()
        chat(proxy.url, deployment, key, traceparent=CALLER)
        chat(proxy.url, deployment, key)
        [continued, fresh] = [r["headers"]["traceparent"] for r in mock.requests()]
        events = eventually(lambda: len(registry.usage_events()) >= 2 and registry.usage_events())
    finally:
        proxy.stop()

    spans = json.loads(spans_file.read_text())
    assert len(spans) == 2
    first, second = spans
    assert first["context"]["trace_id"] == f"0x{TRACE_ID}"
    assert first["parent_id"] == f"0x{CALLER_SPAN}"
    assert parts(continued) == (TRACE_ID, first["context"]["span_id"][2:], True)
    assert second["parent_id"] is None
    assert parts(fresh) == (
        second["context"]["trace_id"][2:],
        second["context"]["span_id"][2:],
        True,
    )
    attributes = first["attributes"]
    assert first["name"] == "chat gpt-4o-mini"
    assert first["kind"] == "SpanKind.CLIENT"
    assert attributes["gen_ai.system"] == "openai"
    assert attributes["gen_ai.operation.name"] == "chat"
    assert attributes["gen_ai.request.model"] == "gpt-4o-mini"
    assert attributes["gen_ai.response.model"]
    assert attributes["http.response.status_code"] == 200
    assert attributes["tollgate.tenant"] == deployment.tenant_slug
    event = next(e for e in events if e["request_id"] == attributes["tollgate.request_id"])
    assert attributes["gen_ai.usage.input_tokens"] == event["prompt_tokens"] > 0
    assert attributes["gen_ai.usage.output_tokens"] == event["completion_tokens"] > 0


def test_without_tracing_the_callers_traceparent_passes_through_unchanged(proxy, registry, mock):
    deployment = make_deployment(mock.url)
    key = publish(registry, proxy.url, deployment)
    mock.clear()
    chat(proxy.url, deployment, key, traceparent=CALLER)
    [received] = mock.requests()
    assert received["headers"]["traceparent"] == CALLER


OFF = """
import asyncio, sys
from proxy.app import app
from proxy.config import ProxyConfig

async def main():
    messages = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent = []
    async def receive():
        return messages.pop(0)
    async def send(message):
        sent.append(message["type"])
    await app({"type": "lifespan"}, receive, send)
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"], sent
asyncio.run(main())
# (redis-py itself imports OpenTelemetry's API and metrics SDK when they are installed)
ours = ("prometheus_client", "proxy.metrics.", "proxy.tracing", "opentelemetry.sdk.trace",
        "opentelemetry.exporter")
print(",".join(sorted(m for m in sys.modules if m.startswith(ours))))
"""


def test_metrics_and_tracing_off_load_none_of_their_code(tmp_path):
    env = base_env(DATABASE_URL=f"sqlite:///{tmp_path / 'none.sqlite3'}", REDIS_URL=None)
    done = subprocess.run(
        [sys.executable, "-c", OFF],
        cwd=REPO,
        env={k: v for k, v in env.items() if k not in {"PROXY_METRICS_PORT", "PROXY_TRACING"}},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
