"""Small builders shared by the limits tests."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Coroutine
from typing import Any, TypeVar

from proxy.contract import Limits
from proxy.limits import CallIdentity

T = TypeVar("T")
# Another Redis for the shared-counter tests; by default they use the suite's (`shared_redis`).
LIMITS_TEST_REDIS_URL = os.environ.get("TOLLGATE_LIMITS_TEST_REDIS_URL", "")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


class FakeClock:
    """Time that moves only when a test moves it; starts mid-window of every unit used."""

    def __init__(self, now: float = 1_800_000_030.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def identity(
    plan: Limits | None = None,
    application: Limits | None = None,
    backend: Limits | None = None,
    *,
    subscription_id: int = 11,
) -> CallIdentity:
    return CallIdentity(
        tenant_id=1,
        api_id=7,
        application_id=3,
        subscription_id=subscription_id,
        key_type="production",
        plan_limits=plan,
        application_limits=application,
        backend_limits=backend,
    )


def redis_client(
    url: str, *, max_connections: int = 32, wait_seconds: float = 5, connect_seconds: float = 0.5
) -> Any:
    """An asyncio client the way the proxy should build one: a blocking pool, short timeouts."""
    from redis.asyncio import BlockingConnectionPool, Redis

    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=wait_seconds,
        socket_connect_timeout=connect_seconds,
    )
    return Redis.from_pool(pool)  # closing the client closes its pool


# Exactness tests on a healthy Redis: a slow machine (tracemalloc, a loaded CI runner) must
# never look like a Redis outage, or the limiter falls back to per-process shares by design.
PATIENT_SECONDS = 60.0
