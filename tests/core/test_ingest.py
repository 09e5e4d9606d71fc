"""The worker side of the usage contract: the proxy's events land in Postgres exactly once."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import redis

from core.ingest import GROUP, drain_usage_stream, usage_stream
from core.models import UsageEvent
from proxy.config import ProxyConfig
from proxy.usage.db_sink import DatabaseUsageSink
from proxy.usage.event import UsageEvent as ProxyEvent
from proxy.usage.event import utc_now_iso
from tests.support.stack import database_url_of


@pytest.fixture
def client(settings, fresh_redis):
    """The worker's Redis (the suite's, or a private one in the embedded run)."""
    settings.REDIS_URL = fresh_redis.url
    connection = fresh_redis.client()
    yield connection
    connection.close()


def event(request_id: str | None = None, **fields) -> ProxyEvent:
    values = dict(
        request_id=request_id or uuid.uuid4().hex,
        ts=utc_now_iso(),
        status=200,
        total_latency_ms=1.5,
        tenant_id=1,
        api_id=2,
        prompt_tokens=3,
        completion_tokens=5,
        total_tokens=8,
        vendor="openai",
        streamed=True,
    )
    return ProxyEvent(**{**values, **fields})


def add(client: redis.Redis, *events: ProxyEvent) -> None:
    for item in events:
        client.xadd(usage_stream(), {"e": item.to_json()})


@pytest.mark.django_db
def test_events_are_stored_acknowledged_and_removed(client):
    first, second = event(), event(status=429, error_code="", upstream_latency_ms=None)
    add(client, first, second)

    assert drain_usage_stream(consumer="w1") == 2

    stored = UsageEvent.objects.get(request_id=first.request_id)
    assert (stored.prompt_tokens, stored.completion_tokens, stored.total_tokens) == (3, 5, 8)
    assert stored.streamed and stored.ts.tzinfo is not None
    assert UsageEvent.objects.get(request_id=second.request_id).status == 429
    assert client.xlen(usage_stream()) == 0
    assert client.xpending(usage_stream(), GROUP)["pending"] == 0
    assert drain_usage_stream(consumer="w1") == 0


@pytest.mark.django_db
def test_a_request_id_is_stored_once(client):
    duplicate = event()
    add(client, duplicate, duplicate)
    drain_usage_stream(consumer="w1")
    add(client, duplicate)
    drain_usage_stream(consumer="w1")
    assert UsageEvent.objects.filter(request_id=duplicate.request_id).count() == 1


@pytest.mark.django_db
def test_entries_of_a_crashed_consumer_are_claimed_and_stored(client):
    drain_usage_stream(consumer="warmup")  # creates the group
    lost = event()
    add(client, lost)
    client.xreadgroup(GROUP, "crashed", {usage_stream(): ">"}, count=10)  # read, never acked

    assert drain_usage_stream(consumer="w2", claim_idle_ms=0) == 1
    assert UsageEvent.objects.filter(request_id=lost.request_id).exists()
    assert client.xpending(usage_stream(), GROUP)["pending"] == 0


@pytest.mark.django_db
def test_malformed_entries_are_dropped_not_retried(client):
    client.xadd(usage_stream(), {"e": b"{not json"})
    client.xadd(usage_stream(), {"other": b"x"})
    good = event()
    add(client, good)
    assert drain_usage_stream(consumer="w1") == 3
    assert list(UsageEvent.objects.values_list("request_id", flat=True)) == [good.request_id]
    assert client.xlen(usage_stream()) == 0


def test_embedded_mode_has_nothing_to_drain(settings):
    settings.REDIS_URL = ""
    assert drain_usage_stream() == 0


@pytest.mark.django_db(transaction=True)
def test_the_proxy_database_sink_writes_the_django_table():
    """Embedded mode: the proxy's own INSERT matches core_usageevent's columns."""
    from django.db import connection

    config = ProxyConfig.from_env({"DATABASE_URL": database_url_of(connection.settings_dict)})
    written = event(model_requested="gpt-4o", quota_exceeded=True)

    async def write() -> None:
        sink = DatabaseUsageSink(config)
        sink.emit(written)
        sink.emit(written)  # a retried batch changes nothing
        await sink.close()

    asyncio.run(write())
    stored = UsageEvent.objects.get(request_id=written.request_id)
    assert stored.model_requested == "gpt-4o" and stored.quota_exceeded
    assert stored.total_tokens == 8
