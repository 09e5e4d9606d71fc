"""The worker's metrics: tasks counted from Celery's signals, served on WORKER_METRICS_PORT.

Celery runs tasks in prefork children, so `manage.py worker` gives the worker a shared
PROMETHEUS_MULTIPROC_DIR (a fresh one, unless the environment names one) before it starts.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from typing import Any
from wsgiref.simple_server import WSGIServer

from django.conf import settings
from django.db import connections
from prometheus_client import start_http_server
from prometheus_client.metrics_core import Metric

from core.metrics import MULTIPROC_DIR, Scrape
from core.metrics.tasks import task_counters


def count_task(sender: Any = None, state: str | None = None, **_: Any) -> None:
    """Celery's task_postrun: one finished task, failed unless it ended in SUCCESS (or RETRY)."""
    name = getattr(sender, "name", None) or "unknown"
    task_counters().count(name, failed=state not in ("SUCCESS", "RETRY"))


def prepare_shared_dir() -> None:
    """Before the worker forks: a directory its processes share, when metrics are served."""
    if settings.WORKER_METRICS_PORT and not os.environ.get(MULTIPROC_DIR):
        os.environ[MULTIPROC_DIR] = tempfile.mkdtemp(prefix="tollgate-worker-metrics-")


class WorkerScrape(Scrape):
    """A scrape on the server's own thread, which closes the database connection it opened."""

    def collect(self) -> Iterable[Metric]:
        try:
            yield from super().collect()
        finally:
            connections.close_all()  # this thread's only


def serve() -> WSGIServer | None:
    """Serve /metrics on WORKER_METRICS_HOST:WORKER_METRICS_PORT from a daemon thread."""
    if not settings.WORKER_METRICS_PORT:
        return None
    server, _ = start_http_server(
        settings.WORKER_METRICS_PORT, addr=settings.WORKER_METRICS_HOST, registry=WorkerScrape()
    )
    return server
