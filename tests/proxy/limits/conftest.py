"""Fixtures for the limits engine: a hand-moved clock, a Redis, a private redis-server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tests.support.services import RedisDb

from .helpers import LIMITS_TEST_REDIS_URL, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(scope="session")
def redis_url(shared_redis: RedisDb) -> str:
    """The Redis for shared counters: TOLLGATE_LIMITS_TEST_REDIS_URL, else the suite's."""
    return LIMITS_TEST_REDIS_URL or shared_redis.url


@pytest.fixture
def key_prefix() -> str:
    """A namespace per test, so runs never see each other's counters."""
    return f"tg:rl:test:{uuid.uuid4().hex[:12]}"


@pytest.fixture
def private_redis(redis_server):
    """A redis-server of our own (tests/support/services.py), to stop and restart mid-test."""
    return redis_server


@pytest.fixture
def clean_prefix(redis_url: str, key_prefix: str) -> Iterator[str]:
    """The test's key prefix; its keys are deleted afterwards (fake clocks set far expiries)."""
    yield key_prefix
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{key_prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()
