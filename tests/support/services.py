"""The services tests run on, isolated per pytest-xdist worker.

- Ports: each worker takes its own slice of TOLLGATE_TEST_PORTS (default 18200-19999, below
  the kernel's ephemeral range).
- Redis: every worker has its own key prefix (TOLLGATE_REDIS_PREFIX), so workers share one
  Redis database without seeing each other's registry, usage stream, counters or Celery
  queues. Tests that need Redis in either mode use the `shared_redis` / `fresh_redis`
  fixtures: REDIS_URL's server, or else a private redis-server started from the binary.
- A missing service fails the test in CI (CI=true) and skips it elsewhere.
"""

from __future__ import annotations

import os
import random
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest
import redis

from proxy.contract import RedisNames

IN_CI = os.environ.get("CI", "").lower() == "true"


def missing(what: str) -> NoReturn:
    """Skip a test whose service is absent; in CI, fail it."""
    if IN_CI:
        pytest.fail(f"{what} is missing; CI runs every test, so it must be installed.")
    pytest.skip(f"needs {what}")


def worker_id() -> str:
    """This process's pytest-xdist worker ("gw0", "gw1", …), or "main" without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _worker_ports() -> range:
    first, _, last = os.environ.get("TOLLGATE_TEST_PORTS", "18200-19999").partition("-")
    workers = max(1, int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")))
    index = int(worker_id()[2:]) if worker_id().startswith("gw") else 0
    size = (int(last) - int(first) + 1) // workers
    return range(int(first) + index * size, int(first) + (index + 1) * size)


def _port_order() -> list[int]:
    """This worker's ports from a random point on, so that concurrent test runs on one machine
    (other checkouts) rarely reach for the same ports at the same moment."""
    ports = list(_worker_ports())
    start = random.randrange(len(ports))
    return ports[start:] + ports[:start]


_PORTS = iter(_port_order())


def free_port() -> int:
    """A loopback port nobody listens on, never handed out twice in this process."""
    for port in _PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port left in this worker's share of TOLLGATE_TEST_PORTS")


def worker_redis_prefix() -> str:
    return f"tgtest-{worker_id()}"


def isolate_redis_prefix() -> None:
    """Give this worker its own Redis prefix: in this process (Django settings) and in every
    process the tests start (they inherit the environment)."""
    os.environ["TOLLGATE_REDIS_PREFIX"] = worker_redis_prefix()
    from django.conf import settings

    settings.TOLLGATE_REDIS_PREFIX = worker_redis_prefix()


def clear_prefix(url: str, prefix: str) -> None:
    """Delete every key under `prefix` (this worker's share of a shared database)."""
    with redis.Redis.from_url(url) as client:
        names = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        for start in range(0, len(names), 500):
            client.delete(*names[start : start + 500])


class RedisServer:
    """A redis-server of our own on a loopback port, to stop, kill and restart mid-test.
    `persistent` keeps an append-only file fsynced on every write, so data survives SIGKILL."""

    def __init__(self, directory: Path, *, persistent: bool = False) -> None:
        if not shutil.which("redis-server"):
            missing("the redis-server binary")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._directory = directory
        self._persistent = persistent
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        aof = ["--appendonly", "yes", "--appendfsync", "always"] if self._persistent else []
        self._process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", *aof, "--dir", str(self._directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self._wait_answering()

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None

    def kill(self) -> None:
        """SIGKILL, as a crash: no shutdown, no save."""
        if self._process is not None:
            self._process.kill()
            self._process.wait(timeout=10)
            self._process = None

    def _wait_answering(self, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"redis-server exited with {self._process.returncode}")
            try:
                with redis.Redis.from_url(self.url, socket_connect_timeout=0.5) as client:
                    if client.ping():
                        return
            except redis.ConnectionError:
                pass
            time.sleep(0.02)
        raise RuntimeError(f"redis-server on port {self.port} did not start")


@dataclass(frozen=True)
class RedisDb:
    """The Redis a test uses and this worker's names in it."""

    url: str
    names: RedisNames

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)

    def clear(self) -> None:
        clear_prefix(self.url, self.names.prefix)


@pytest.fixture(scope="session")
def shared_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisDb]:
    """REDIS_URL's server when the suite runs in the Redis mode, else a private redis-server
    for the tests that need Redis even in the embedded run."""
    names = RedisNames(worker_redis_prefix())
    url = os.environ.get("REDIS_URL")
    if url:
        yield RedisDb(url, names)
        clear_prefix(url, names.prefix)
        return
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    yield RedisDb(server.url, names)
    server.stop()


@pytest.fixture
def fresh_redis(shared_redis: RedisDb) -> RedisDb:
    """`shared_redis` with none of this worker's keys left from earlier tests."""
    shared_redis.clear()
    return shared_redis


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A private redis-server for one test, to stop or kill."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()
