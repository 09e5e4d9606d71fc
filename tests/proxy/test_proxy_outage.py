"""Redis going away: the proxy keeps serving what it has, buffers usage, and recovers."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.proxy.support import (
    RedisRegistry,
    eventually,
    free_port,
    make_deployment,
    make_key,
    start_proxy,
    wait_routed,
)
from tests.proxy.test_proxy_registry import call


class PrivateRedis:
    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._directory = directory
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self._directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        eventually(self._answers, timeout=5)

    def _answers(self) -> bool:
        try:
            with redis.Redis.from_url(self.url) as client:
                return bool(client.ping())
        except redis.ConnectionError:
            return False

    def stop(self) -> None:
        if self._process:
            self._process.terminate()
            self._process.wait(timeout=10)
            self._process = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def test_redis_outage_keeps_cached_keys_buffers_usage_and_recovers(private_redis, mock, proxy_logs):
    registry = RedisRegistry(private_redis.url)
    deployment = make_deployment(mock.url)
    registry.put_deployment(deployment)
    known, snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"})
    registry.put_key(snapshot)
    proxy = start_proxy(proxy_logs, REDIS_URL=private_redis.url)
    try:
        wait_routed(proxy.url, deployment.route)
        assert call(proxy, deployment, known).status_code == 200

        private_redis.stop()
        during = call(proxy, deployment, known)
        unknown, _ = make_key()
        assert during.status_code == 200  # served from the process's cache
        assert call(proxy, deployment, unknown).json()["error"]["code"] == "registry_unavailable"

        private_redis.start()  # empty: what the outage lost must come back from the publisher
        registry = RedisRegistry(private_redis.url)
        registry.put_deployment(deployment)
        newcomer, snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"})
        registry.put_key(snapshot)
        eventually(lambda: call(proxy, deployment, newcomer).status_code == 200, timeout=10)

        def delivered() -> bool:  # the event of the call made during the outage was kept
            ids = {event["request_id"] for event in registry.usage_events()}
            return during.headers["x-request-id"] in ids

        eventually(delivered, timeout=5)
    finally:
        proxy.stop()
