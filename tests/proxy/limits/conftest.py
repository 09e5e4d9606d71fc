"""Fixtures for the limits engine: a hand-moved clock, a Redis client, a private redis-server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest

from .helpers import REDIS_URL, FakeClock

PRIVATE_PORTS = range(19400, 19500)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        pytest.skip("needs REDIS_URL (shared counters)")
    return REDIS_URL


@pytest.fixture
def key_prefix() -> str:
    """A namespace per test, so runs never see each other's counters."""
    return f"tg:rl:test:{uuid.uuid4().hex[:12]}"


def _free_port() -> int:
    for port in PRIVATE_PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError("no free port in the private range")


class PrivateRedis:
    """A redis-server of our own on a loopback port, to stop and restart mid-test."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"

    def start(self) -> None:
        subprocess.run(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--daemonize", "yes"],
            check=True, capture_output=True,
        )  # fmt: skip
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.02)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        subprocess.run(
            ["redis-cli", "-p", str(self.port), "shutdown", "nosave"], capture_output=True
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) != 0:
                    return
            time.sleep(0.02)


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    if not shutil.which("redis-server") or not shutil.which("redis-cli"):
        pytest.skip("needs redis-server and redis-cli")
    server = PrivateRedis(_free_port())
    server.start()
    yield server
    server.stop()


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
