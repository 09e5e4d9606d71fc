"""Counts of background tasks run and failed, by task name (Celery's signals, and the embedded
worker's loop)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from prometheus_client import CollectorRegistry, Counter


@dataclass(frozen=True)
class TaskCounters:
    registry: CollectorRegistry
    finished: Counter
    failures: Counter

    def count(self, task: str, *, failed: bool) -> None:
        self.finished.labels(task).inc()
        if failed:
            self.failures.labels(task).inc()


@cache
def task_counters() -> TaskCounters:
    registry = CollectorRegistry()
    finished = Counter(
        "tollgate_worker_tasks_total",
        "Background tasks finished (succeeded or failed), by task.",
        ("task",),
        registry=registry,
    )
    failures = Counter(
        "tollgate_worker_task_failures_total",
        "Background tasks that raised, by task.",
        ("task",),
        registry=registry,
    )
    return TaskCounters(registry, finished, failures)
