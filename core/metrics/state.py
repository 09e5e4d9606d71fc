"""The pipeline's state, read when scraped: what is waiting between the planes and for how long.

- tollgate_registry_outbox_depth: registry changes committed but not yet applied to the store.
- tollgate_usage_stream_backlog: usage events in the Redis stream not yet stored (acknowledged
  entries are deleted, so the stream's length is the backlog).
- tollgate_usage_ingest_lag_seconds: the age of the oldest of them (stream ids are the
  millisecond clock of their XADD); 0 when the stream is empty.
- tollgate_database_up, tollgate_redis_up: whether they answered this scrape.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from functools import cache
from typing import cast

import redis
from django.conf import settings
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from core.ingest import usage_stream
from core.registry import outbox

log = logging.getLogger(__name__)


class ControlPlaneCollector(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from _database()
        if settings.REDIS_URL:
            yield from _usage_stream()

    def describe(self) -> list[GaugeMetricFamily]:
        return []  # read at scrape time only, never at registration


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _database() -> Iterator[GaugeMetricFamily]:
    try:
        depth = outbox.pending()
    except Exception as exc:  # the database is down: say so, and keep serving the rest
        log.warning("metrics: database unavailable", extra={"error": type(exc).__name__})
        yield _gauge("tollgate_database_up", "The database answered this scrape.", 0)
        return
    yield _gauge("tollgate_database_up", "The database answered this scrape.", 1)
    yield _gauge(
        "tollgate_registry_outbox_depth", "Registry changes not yet applied to the store.", depth
    )


def _usage_stream() -> Iterator[GaugeMetricFamily]:
    try:
        backlog, oldest = stream_state(_client(settings.REDIS_URL))
    except redis.RedisError as exc:
        log.warning("metrics: Redis unavailable", extra={"error": type(exc).__name__})
        yield _gauge("tollgate_redis_up", "Redis answered this scrape.", 0)
        return
    yield _gauge("tollgate_redis_up", "Redis answered this scrape.", 1)
    yield _gauge(
        "tollgate_usage_stream_backlog", "Usage events in the stream not yet stored.", backlog
    )
    lag = max(0.0, time.time() - oldest) if oldest is not None else 0.0
    yield _gauge(
        "tollgate_usage_ingest_lag_seconds", "Age of the oldest usage event not yet stored.", lag
    )


def stream_state(client: redis.Redis) -> tuple[int, float | None]:
    """The stream's length and the time (seconds) of its oldest entry, if any."""
    stream = usage_stream()
    with client.pipeline(transaction=False) as pipe:
        pipe.xlen(stream)
        pipe.xrange(stream, count=1)
        length, first = cast("tuple[int, list[tuple[bytes, dict]]]", tuple(pipe.execute()))
    if not first:
        return length, None
    milliseconds = int(first[0][0].split(b"-", 1)[0])
    return length, milliseconds / 1000


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, **settings.REDIS_CLIENT_OPTIONS)
