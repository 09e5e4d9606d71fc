"""Prometheus metrics of a real proxy: scraped from their own port after real calls, with the
right labels and values; correct summed over the processes of a `--workers 2` proxy."""

from __future__ import annotations

import glob
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from proxy.contract import Limits
from tests.proxy.support import (
    Process,
    eventually,
    free_port,
    make_deployment,
    make_key,
    start_proxy,
    wait_synced,
)
from tests.support.services import RedisDb

CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "say hi please"}]}


class MeteredProxy:
    def __init__(self, process: Process, metrics_port: int) -> None:
        self.process = process
        self.url = process.url
        self.metrics_url = f"http://127.0.0.1:{metrics_port}/metrics"

    def scrape(self) -> dict[tuple[str, frozenset], float]:
        """Every sample by (name, labels)."""
        text = httpx.get(self.metrics_url, timeout=5).text
        return {
            (sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }


def start_metered(proxy_logs: Path, **env: str) -> MeteredProxy:
    port = free_port()
    process = start_proxy(proxy_logs, PROXY_METRICS_PORT=str(port), **env)
    return MeteredProxy(process, port)


@pytest.fixture(scope="module")
def metered(_mock_process, proxy_logs: Path, shared_redis: RedisDb) -> Iterator[MeteredProxy]:
    proxy = start_metered(proxy_logs, REDIS_URL=shared_redis.url)
    yield proxy
    proxy.process.stop()


def api_labels(deployment, **more: str) -> frozenset:
    labels = {
        "tenant": deployment.tenant_slug,
        "api": deployment.api_name,
        "api_version": deployment.api_version,
    }
    return frozenset({**labels, **more}.items())


def publish(registry, proxy_url: str, deployment, limits: Limits | None = None) -> str:
    registry.put_deployment(deployment)
    plain, key = make_key(subscriptions={deployment.api_id: "ACTIVE"})
    if limits is not None:
        grants = {k: replace(g, limits=limits) for k, g in key.subscriptions.items()}
        key = replace(key, subscriptions=grants)
    registry.put_key(key)
    wait_synced(proxy_url, registry)
    return plain


def call(proxy: MeteredProxy, deployment, key: str, **extra) -> httpx.Response:
    return httpx.post(
        f"{proxy.url}/{deployment.route}/chat/completions",
        json={**CHAT, **extra},
        headers={"Authorization": f"Bearer {key}", **extra.pop("headers", {})},
        timeout=10,
    )


def test_calls_are_counted_by_api_status_and_code_with_latencies_and_tokens(
    metered, registry, mock
):
    deployment = make_deployment(mock.url)
    key = publish(registry, metered.url, deployment)
    assert call(metered, deployment, key).status_code == 200
    assert call(metered, deployment, key).status_code == 200
    assert call(metered, deployment, "tg_p_not_a_key").status_code == 401
    events = eventually(lambda: len(registry.usage_events()) >= 3 and registry.usage_events())
    ours = [e for e in events if e["api_id"] == deployment.api_id and e["status"] == 200]

    samples = metered.scrape()

    ok = api_labels(deployment, status="200", code="")
    assert samples[("tollgate_proxy_requests_total", ok)] == 2
    refused = api_labels(deployment, status="401", code="invalid_api_key")
    assert samples[("tollgate_proxy_requests_total", refused)] == 1
    api = api_labels(deployment)
    assert samples[("tollgate_proxy_request_duration_seconds_count", api)] == 3
    assert samples[("tollgate_proxy_upstream_duration_seconds_count", api)] == 2
    assert samples[("tollgate_proxy_upstream_ttfb_seconds_count", api)] == 2
    every = api_labels(deployment, le="+Inf")
    assert samples[("tollgate_proxy_request_duration_seconds_bucket", every)] == 3
    assert samples[("tollgate_proxy_upstream_duration_seconds_sum", api)] > 0
    prompt = sum(e["prompt_tokens"] for e in ours)
    completion = sum(e["completion_tokens"] for e in ours)
    assert prompt > 0 and completion > 0
    assert samples[("tollgate_proxy_tokens_total", api_labels(deployment, direction="input"))] == (
        prompt
    )
    output = api_labels(deployment, direction="output")
    assert samples[("tollgate_proxy_tokens_total", output)] == completion


def test_limiter_refusals_and_stream_cuts_are_counted(metered, registry, mock):
    deployment = make_deployment(mock.url)
    key = publish(registry, metered.url, deployment, Limits(requests=1))
    assert call(metered, deployment, key).status_code == 200
    refused = call(metered, deployment, key)
    assert refused.status_code == 429
    code = refused.json()["error"]["code"]
    streamed = make_deployment(mock.url)
    stream_key = publish(registry, metered.url, streamed)
    cut = call(metered, streamed, stream_key, stream=True, headers={"x-mock-stream-cut-after": "2"})
    assert cut.status_code == 200 and "upstream_stream_interrupted" in cut.text

    samples = metered.scrape()

    assert samples[("tollgate_proxy_limit_refusals_total", api_labels(deployment, code=code))] == 1
    reason = api_labels(streamed, reason="upstream_closed")
    assert samples[("tollgate_proxy_stream_cuts_total", reason)] == 1


def test_registry_and_usage_buffer_state_are_exported(metered, registry, mock):
    deployment = make_deployment(mock.url)
    publish(registry, metered.url, deployment)

    def current() -> dict | None:
        samples = metered.scrape()
        version = samples[("tollgate_proxy_registry_version", frozenset())]
        return samples if version >= registry.version else None

    samples = eventually(current)
    assert samples[("tollgate_proxy_registry_deployments", frozenset())] >= 1
    assert samples[("tollgate_proxy_registry_stale", frozenset())] == 0
    change = samples[("tollgate_proxy_registry_last_change_timestamp_seconds", frozenset())]
    assert change == registry.version / 1_000_000
    assert ("tollgate_proxy_usage_buffered_events", frozenset()) in samples
    assert samples[("tollgate_proxy_usage_dropped_events_total", frozenset())] == 0


def test_the_metrics_port_is_not_the_api_port(metered):
    assert httpx.get(f"{metered.url}/metrics", timeout=5).status_code == 404
    assert httpx.get(metered.metrics_url.replace("/metrics", "/other"), timeout=5).status_code == (
        404
    )


def pids_that_counted_calls(shared_dir: Path) -> set[str]:
    pids = set()
    for path in glob.glob(str(shared_dir / "counter_*.db")):
        for metric in MultiProcessCollector._read_metrics([path]).values():
            if metric.name == "tollgate_proxy_requests" and metric.samples:
                pids.add(Path(path).stem.removeprefix("counter_"))
    return pids


def test_two_worker_processes_answer_the_sum_of_both(
    _mock_process, proxy_logs: Path, registry, mock, tmp_path
):
    shared_dir = tmp_path / "prometheus"
    shared_dir.mkdir()
    proxy = start_metered(
        proxy_logs,
        REDIS_URL=registry.url,
        PROXY_WORKERS="2",
        PROMETHEUS_MULTIPROC_DIR=str(shared_dir),
    )
    try:
        deployment = make_deployment(mock.url)
        key = publish(registry, proxy.url, deployment)
        calls = attempts = 0  # answered 200 (a worker may still be loading its registry)
        while len(pids_that_counted_calls(shared_dir)) < 2 and attempts < 200:
            attempts += 1
            calls += call(proxy, deployment, key).status_code == 200  # a new connection each
        assert len(pids_that_counted_calls(shared_dir)) == 2

        for _ in range(4):  # whichever process answers, it answers the sum
            samples = proxy.scrape()
            ok = api_labels(deployment, status="200", code="")
            assert samples[("tollgate_proxy_requests_total", ok)] == calls
    finally:
        proxy.process.stop()
