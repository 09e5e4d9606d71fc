"""Three real proxy processes sharing one Redis for their counters, and a private redis-server.

Fixtures from tests/proxy/conftest.py (mock, registry, embedded_proxy, …) apply here too.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.proxy.support import Process, eventually, free_port, start_proxy

REDIS_URL = os.environ.get("REDIS_URL", "")
# A loaded test machine must not turn a slow round trip into a (correct, but per-process)
# fallback in the exactness tests; the outage test below uses the default.
PATIENT_REDIS = {"TOLLGATE_LIMITS_REDIS_TIMEOUT": "3"}


@pytest.fixture(scope="session")
def limits_prefix() -> Iterator[str]:
    """The counters' key prefix of this test run, deleted afterwards."""
    prefix = f"tg:rl:e2e:{uuid.uuid4().hex[:12]}"
    yield prefix
    if REDIS_URL:
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.fixture(scope="session")
def three_proxies(_mock_process, proxy_logs: Path, limits_prefix: str) -> Iterator[list[Process]]:
    if not REDIS_URL:
        pytest.skip("needs REDIS_URL (shared counters)")
    env = {
        "REDIS_URL": REDIS_URL,
        "TOLLGATE_EXPECTED_REPLICAS": "3",
        "TOLLGATE_LIMITS_KEY_PREFIX": limits_prefix,
        **PATIENT_REDIS,
    }
    proxies = [start_proxy(proxy_logs, **env) for _ in range(3)]
    yield proxies
    for process in proxies:
        process.stop()


@pytest.fixture
def one_proxy(request: pytest.FixtureRequest) -> tuple[Process, object]:
    """A proxy and its registry writer: on shared Redis counters if there is Redis, else the
    embedded proxy (in-process counters)."""
    if REDIS_URL:
        proxy = request.getfixturevalue("three_proxies")[0]
        return proxy, request.getfixturevalue("registry")
    return request.getfixturevalue("embedded_proxy"), request.getfixturevalue("embedded_registry")


class PersistentRedis:
    """A redis-server of our own that survives SIGKILL with its data (AOF, fsync always)."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._directory = directory
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "yes", "--appendfsync", "always", "--dir", str(self._directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        eventually(self._answers, timeout=5)

    def _answers(self) -> bool:
        try:
            with redis.Redis.from_url(self.url) as client:
                return bool(client.ping())
        except redis.ConnectionError:
            return False

    def kill(self) -> None:
        """SIGKILL, as a crash: no shutdown, no save."""
        if self._process is not None:
            self._process.send_signal(signal.SIGKILL)
            self._process.wait(timeout=10)
            self._process = None

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


@pytest.fixture
def persistent_redis(tmp_path: Path) -> Iterator[PersistentRedis]:
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    server = PersistentRedis(tmp_path)
    server.start()
    yield server
    server.stop()
