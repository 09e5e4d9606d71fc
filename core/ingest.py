"""Drain the proxy's usage stream (`tg:usage`, under the installation's Redis prefix) into
core_usageevent, exactly once per request.

Delivery is at least once (consumer group `tg-workers`: entries are acknowledged only after
their rows are committed, and entries of a crashed consumer are claimed back after a while);
the unique `request_id` with conflicts ignored makes the stored result exactly once. Acked
entries are deleted so the stream stays small.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import datetime
from functools import cache
from typing import Any, cast

import orjson
import redis
from django.conf import settings
from django.db import transaction

from core.models import UsageEvent
from proxy.public import RedisNames

log = logging.getLogger(__name__)
GROUP = "tg-workers"
FIELDS = frozenset(f.name for f in UsageEvent._meta.concrete_fields) - {"id"}
Entry = tuple[bytes, dict[bytes, bytes] | None]


def usage_stream() -> str:
    return RedisNames(settings.TOLLGATE_REDIS_PREFIX).usage_stream


@cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, **settings.REDIS_CLIENT_OPTIONS)


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def drain_usage_stream(
    max_batches: int = 20,
    batch_size: int = 500,
    *,
    client: redis.Redis | None = None,
    consumer: str | None = None,
    claim_idle_ms: int = 60_000,
) -> int:
    """Store up to max_batches × batch_size events; return how many entries were handled."""
    if client is None:
        if not settings.REDIS_URL:
            return 0  # embedded mode: the proxy writes usage rows itself
        client = _client(settings.REDIS_URL)
    consumer = consumer or consumer_name()
    stream = usage_stream()
    ensure_group(client, stream)
    handled = 0
    for _ in range(max_batches):
        entries = _next_batch(client, stream, consumer, batch_size, claim_idle_ms)
        if not entries:
            break
        _store(entries)
        ids = [entry_id for entry_id, _ in entries]
        client.xack(stream, GROUP, *ids)
        client.xdel(stream, *ids)
        handled += len(entries)
    return handled


def ensure_group(client: redis.Redis, stream: str) -> None:
    try:
        client.xgroup_create(stream, GROUP, id="0", mkstream=True)
    except redis.ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


def _next_batch(
    client: redis.Redis, stream: str, consumer: str, count: int, claim_idle_ms: int
) -> list[Entry]:
    """Our own unacknowledged entries first, then a dead consumer's, then new ones."""
    for start in ("0", None, ">"):
        # redis-py's types cover every reply shape; these two answer lists (RESP2).
        if start is None:
            claimed = client.xautoclaim(stream, GROUP, consumer, claim_idle_ms, "0-0", count=count)
            entries = cast("list[Entry]", claimed[1])
        else:
            reply = cast(
                "list[Any]", client.xreadgroup(GROUP, consumer, {stream: start}, count=count)
            )
            entries = cast("list[Entry]", reply[0][1]) if reply else []
        if entries:
            return entries
    return []


def _store(entries: list[Entry]) -> None:
    rows = [row for row in (_row(entry_id, fields) for entry_id, fields in entries) if row]
    with transaction.atomic():
        UsageEvent.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)


def _row(entry_id: bytes, fields: dict[bytes, bytes] | None) -> UsageEvent | None:
    if not fields or b"e" not in fields:
        return None  # deleted before it was acknowledged, or not ours
    try:
        data = orjson.loads(fields[b"e"])
        values = {name: value for name, value in data.items() if name in FIELDS}
        values["ts"] = datetime.fromisoformat(values["ts"])
        return UsageEvent(**values)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        log.error(
            "dropping a malformed usage entry",
            extra={"event": "usage_entry_malformed", "entry_id": entry_id.decode()},
        )
        return None
