"""Three real proxy processes sharing one Redis for their counters, and a private redis-server.

Fixtures from tests/proxy/conftest.py (mock, registry, embedded_proxy, …) apply here too.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.proxy.support import Process, start_proxies
from tests.support.services import RedisDb, RedisServer, clear_prefix

# A loaded test machine must not turn a slow round trip into a (correct, but per-process)
# fallback in the exactness tests; the outage test below uses the default.
PATIENT_REDIS = {"TOLLGATE_LIMITS_REDIS_TIMEOUT": "30"}


@pytest.fixture(scope="session")
def limits_prefix(shared_redis: RedisDb) -> Iterator[str]:
    """The counters' key prefix of this test run, deleted afterwards."""
    prefix = f"{shared_redis.names.counters}:e2e:{uuid.uuid4().hex[:12]}"
    yield prefix
    clear_prefix(shared_redis.url, prefix)


@pytest.fixture(scope="session")
def three_proxies(
    _mock_process, proxy_logs: Path, limits_prefix: str, shared_redis: RedisDb
) -> Iterator[list[Process]]:
    env = {
        "REDIS_URL": shared_redis.url,
        "TOLLGATE_EXPECTED_REPLICAS": "3",
        "TOLLGATE_LIMITS_KEY_PREFIX": limits_prefix,
        **PATIENT_REDIS,
    }
    proxies = start_proxies(3, proxy_logs, **env)
    yield proxies
    for process in proxies:
        process.stop()


@pytest.fixture
def one_proxy(request: pytest.FixtureRequest) -> tuple[Process, object]:
    """A proxy and its registry writer in the suite's mode: on shared Redis counters in the
    Redis mode, else the embedded proxy (in-process counters)."""
    if os.environ.get("REDIS_URL"):
        proxy = request.getfixturevalue("three_proxies")[0]
        return proxy, request.getfixturevalue("registry")
    return request.getfixturevalue("embedded_proxy"), request.getfixturevalue("embedded_registry")


@pytest.fixture
def persistent_redis(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of our own that survives SIGKILL with its data (AOF, fsync always)."""
    server = RedisServer(tmp_path, persistent=True)
    server.start()
    yield server
    server.stop()
