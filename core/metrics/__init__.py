"""Prometheus metrics of the control plane (web and worker).

The state of the pipeline between the planes is read at scrape time (`state.py`): registry
outbox depth, usage stream backlog and ingest lag, and whether Postgres and Redis answer. Task
counts are per process (`tasks.py`); with several processes (Celery's prefork children, a
multi-process web server) PROMETHEUS_MULTIPROC_DIR makes a scrape answer their sum. The web
serves `/metrics` only to a bearer of TOLLGATE_METRICS_TOKEN; the worker on its own port
(WORKER_METRICS_PORT). docs/operations.md, Metrics.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from prometheus_client import CollectorRegistry, generate_latest, multiprocess
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from core.metrics.state import ControlPlaneCollector
from core.metrics.tasks import task_counters

MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"


class Scrape(Collector):
    """This process's counters (or every process's, from the shared directory) and the
    control plane's state."""

    def collect(self) -> Iterable[Metric]:
        shared_dir = os.environ.get(MULTIPROC_DIR)
        if shared_dir:
            counters = CollectorRegistry()
            multiprocess.MultiProcessCollector(counters, path=shared_dir)
        else:
            counters = task_counters().registry
        yield from counters.collect()
        yield from ControlPlaneCollector().collect()


def render() -> bytes:
    return generate_latest(Scrape())
