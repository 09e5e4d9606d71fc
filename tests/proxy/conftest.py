"""Real proxy processes against the mock provider, fed snapshots through Redis or SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.proxy.gateways import Gateway
from tests.proxy.support import (
    Process,
    RedisRegistry,
    SqliteRegistry,
    start_mock,
    start_proxies,
    start_proxy,
)
from tests.support.services import RedisDb


class MockProvider:
    def __init__(self, process: Process) -> None:
        self.url = process.url

    def requests(self) -> list[dict]:
        return httpx.get(f"{self.url}/_mock/requests", timeout=5).json()["requests"]

    def clear(self) -> None:
        httpx.delete(f"{self.url}/_mock/requests", timeout=5)


@pytest.fixture(scope="session")
def proxy_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("proxy-logs")


@pytest.fixture(scope="session")
def _mock_process(proxy_logs: Path) -> Iterator[Process]:
    process = start_mock(proxy_logs)
    yield process
    process.stop()


@pytest.fixture
def mock(_mock_process: Process) -> MockProvider:
    provider = MockProvider(_mock_process)
    provider.clear()
    return provider


@pytest.fixture(scope="session")
def _redis_proxies(
    _mock_process: Process, proxy_logs: Path, shared_redis: RedisDb
) -> Iterator[list[Process]]:
    proxies = start_proxies(2, proxy_logs, REDIS_URL=shared_redis.url)
    yield proxies
    for process in proxies:
        process.stop()


@pytest.fixture
def proxies(_redis_proxies: list[Process]) -> list[Process]:
    """Two proxy processes sharing the test Redis."""
    return _redis_proxies


@pytest.fixture
def proxy(proxies: list[Process]) -> Process:
    return proxies[0]


@pytest.fixture
def registry(fresh_redis: RedisDb) -> Iterator[RedisRegistry]:
    writer = RedisRegistry(fresh_redis.url, fresh_redis.names)
    yield writer
    writer.client.close()


@pytest.fixture(scope="session")
def strict_proxy(
    _mock_process: Process, proxy_logs: Path, shared_redis: RedisDb
) -> Iterator[Process]:
    """Production SSRF rules (no private upstreams) and a test limiter on the seam."""
    process = start_proxy(
        proxy_logs,
        REDIS_URL=shared_redis.url,
        ALLOW_PRIVATE_UPSTREAMS="false",
        PROXY_LIMITER="tests.proxy.refusing_limiter:ModelLimiter",
    )
    yield process
    process.stop()


@pytest.fixture(scope="session")
def _embedded(
    _mock_process: Process, proxy_logs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Process, SqliteRegistry]]:
    path = tmp_path_factory.mktemp("embedded") / "tollgate.sqlite3"
    store = SqliteRegistry(path)
    process = start_proxy(proxy_logs, REDIS_URL=None, DATABASE_URL=f"sqlite:///{path}")
    yield process, store
    process.stop()


@pytest.fixture
def embedded_proxy(_embedded: tuple[Process, SqliteRegistry]) -> Process:
    return _embedded[0]


@pytest.fixture
def embedded_registry(_embedded: tuple[Process, SqliteRegistry]) -> SqliteRegistry:
    return _embedded[1]


@pytest.fixture(params=["redis", "embedded"])
def gateway(request: pytest.FixtureRequest) -> Gateway:
    """One proxy in each registry mode."""
    if request.param == "redis":
        proxy = request.getfixturevalue("proxy")
        return Gateway("redis", proxy, request.getfixturevalue("registry"))
    proxy = request.getfixturevalue("embedded_proxy")
    return Gateway("embedded", proxy, request.getfixturevalue("embedded_registry"))
