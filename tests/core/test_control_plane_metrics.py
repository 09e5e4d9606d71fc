"""Prometheus metrics of the control plane: the web's token-guarded /metrics, the pipeline's
state (outbox depth, usage stream backlog and ingest lag), and task counts from Celery's
signals, served by the worker on its own port."""

from __future__ import annotations

import os
import time

import httpx
import pytest
from django.core.management import call_command
from prometheus_client.parser import text_string_to_metric_families

from core.celery import app
from core.metrics.worker import serve
from core.registry import outbox
from tests.support.services import free_port

TOKEN = "metrics-token-for-tests"


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@app.task(name="tests.metrics.boom")
def boom() -> None:
    raise RuntimeError("a failing task")


@app.task(name="tests.metrics.fine")
def fine() -> None:
    return None


@pytest.mark.django_db
def test_web_metrics_exist_only_for_the_bearer_of_the_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics").status_code == 404
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert TOKEN not in response.content.decode()


@pytest.mark.django_db
def test_the_outbox_depth_is_what_waits_to_be_applied(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.REDIS_URL = ""
    outbox.record("remove_key", "digest-1")
    outbox.record("remove_key", "digest-2")
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    found = samples(response.content.decode())
    assert found[("tollgate_database_up", frozenset())] == 1
    assert found[("tollgate_registry_outbox_depth", frozenset())] == outbox.pending() == 2


@pytest.mark.django_db
def test_the_usage_backlog_and_ingest_lag_come_from_the_stream(client, settings, fresh_redis):
    settings.METRICS_TOKEN = TOKEN
    settings.REDIS_URL = fresh_redis.url
    minute_ago = int(time.time() * 1000) - 60_000
    with fresh_redis.client() as redis:
        redis.xadd(fresh_redis.names.usage_stream, {"e": b"{}"}, id=f"{minute_ago}-0")
        redis.xadd(fresh_redis.names.usage_stream, {"e": b"{}"})
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    found = samples(response.content.decode())
    assert found[("tollgate_redis_up", frozenset())] == 1
    assert found[("tollgate_usage_stream_backlog", frozenset())] == 2
    assert found[("tollgate_usage_ingest_lag_seconds", frozenset())] >= 60


@pytest.mark.django_db
def test_an_unreachable_redis_is_reported_not_raised(client, settings):
    settings.METRICS_TOKEN = TOKEN
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    found = samples(response.content.decode())
    assert found[("tollgate_redis_up", frozenset())] == 0
    assert ("tollgate_usage_stream_backlog", frozenset()) not in found


@pytest.mark.django_db
def test_the_worker_serves_task_counts_on_its_port(settings):
    settings.WORKER_METRICS_PORT = free_port()
    settings.WORKER_METRICS_HOST = "127.0.0.1"
    settings.REDIS_URL = ""
    server = serve()
    assert server is not None
    try:
        url = f"http://127.0.0.1:{settings.WORKER_METRICS_PORT}/metrics"
        before = samples(httpx.get(url, timeout=5).text)
        with pytest.raises(RuntimeError):
            boom.apply()  # eager tasks propagate their errors here (CELERY_TASK_EAGER_PROPAGATES)
        fine.apply()
        after = samples(httpx.get(url, timeout=5).text)
    finally:
        server.shutdown()
        server.server_close()

    def grew(name: str, task: str) -> float:
        key = (name, frozenset({("task", task)}))
        return after.get(key, 0) - before.get(key, 0)

    assert grew("tollgate_worker_task_failures_total", "tests.metrics.boom") == 1
    assert grew("tollgate_worker_tasks_total", "tests.metrics.boom") == 1
    assert grew("tollgate_worker_tasks_total", "tests.metrics.fine") == 1
    assert grew("tollgate_worker_task_failures_total", "tests.metrics.fine") == 0
    assert after[("tollgate_database_up", frozenset())] == 1


def test_the_celery_worker_gets_a_shared_directory_before_it_forks(monkeypatch, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.WORKER_METRICS_PORT = free_port()
    # set first, so that the variable the command sets is removed again after the test (the
    # processes this test worker starts later must not inherit a directory removed below)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")
    seen: list[str | None] = []

    def execv(path: str, argv: list[str]) -> None:
        seen.append(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
        raise SystemExit(0)

    monkeypatch.setattr(os, "execv", execv)
    with pytest.raises(SystemExit):
        call_command("worker", "--without-beat")
    [shared_dir] = seen
    assert shared_dir is not None and os.path.isdir(shared_dir)
    os.rmdir(shared_dir)
