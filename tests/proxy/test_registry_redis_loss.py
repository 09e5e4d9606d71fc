"""Redis restarted without its data: the proxy keeps its last good registry until the control
plane has republished everything under a new generation."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from proxy.registry.redis_store import replaces_cache
from tests.proxy.support import (
    RedisRegistry,
    eventually,
    make_deployment,
    make_key,
    start_proxy,
    wait_synced,
)
from tests.proxy.test_proxy_forwarding import chat
from tests.proxy.test_proxy_registry import call


class SteadyCalls:
    """One call every `interval` seconds in a thread, each status kept with its time."""

    def __init__(self, url: str, key: str, interval: float = 0.05) -> None:
        self.results: list[tuple[float, int]] = []
        self._url, self._key, self._interval = url, key, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> SteadyCalls:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _run(self) -> None:
        headers = {"Authorization": f"Bearer {self._key}"}
        with httpx.Client(timeout=10) as client:
            while not self._stop.is_set():
                try:
                    status = client.post(self._url, json=chat(), headers=headers).status_code
                except httpx.HTTPError:
                    status = 0
                self.results.append((time.monotonic(), status))
                self._stop.wait(self._interval)

    def statuses_between(self, start: float, end: float) -> list[int]:
        return [status for at, status in self.results if start <= at <= end]


def test_empty_redis_restart_keeps_every_valid_call_answering(redis_server, mock, proxy_logs):
    writer = RedisRegistry(redis_server.url)
    deployment = make_deployment(mock.url)
    writer.put_deployment(deployment)
    known, key_snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"})
    writer.put_key(key_snapshot)
    writer.start_generation("first")
    proxy = start_proxy(proxy_logs, REDIS_URL=redis_server.url)
    try:
        wait_synced(proxy.url, writer)
        assert call(proxy, deployment, known).status_code == 200
        url = f"{proxy.url}/{deployment.route}/chat/completions"
        with SteadyCalls(url, known) as calls:
            time.sleep(1)
            redis_server.kill()
            redis_server.start()  # empty: no deployment, no key, no generation
            restarted = time.monotonic()
            time.sleep(10)
        after = calls.statuses_between(restarted, restarted + 10)
        assert len(after) > 50  # a steady rate throughout, not a few lucky calls
        assert [s for _, s in calls.results if not 200 <= s < 300] == []

        unknown, _ = make_key(subscriptions={deployment.api_id: "ACTIVE"})
        refused = call(proxy, deployment, unknown)  # Redis cannot tell yet: not a 401
        assert refused.json()["error"]["code"] == "registry_unavailable"
    finally:
        proxy.stop()


def test_a_new_generation_replaces_what_the_proxy_kept(redis_server, mock, proxy_logs):
    writer = RedisRegistry(redis_server.url)
    deployment = make_deployment(mock.url)
    writer.put_deployment(deployment)
    kept, kept_snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"})
    dropped, dropped_snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"})
    writer.put_key(kept_snapshot)
    writer.put_key(dropped_snapshot)
    writer.start_generation("first")
    proxy = start_proxy(proxy_logs, REDIS_URL=redis_server.url)
    try:
        wait_synced(proxy.url, writer)
        assert call(proxy, deployment, dropped).status_code == 200  # now cached

        redis_server.kill()
        redis_server.start()
        writer = RedisRegistry(redis_server.url)
        # Reconnected and kept the cache: the key revoked while Redis was lost still answers.
        eventually(lambda: call(proxy, deployment, dropped).status_code == 200)

        writer.put_deployment(deployment)  # the control plane republishes all but `dropped`
        writer.put_key(kept_snapshot)
        writer.start_generation("second")
        eventually(lambda: call(proxy, deployment, dropped).status_code == 401)
        assert call(proxy, deployment, kept).status_code == 200
    finally:
        proxy.stop()


def test_redis_restored_older_is_not_loaded_over_newer_changes(redis_server, mock, proxy_logs):
    writer = RedisRegistry(redis_server.url)
    old = make_deployment(mock.url)
    writer.put_deployment(old)
    writer.start_generation("first")
    proxy = start_proxy(proxy_logs, REDIS_URL=redis_server.url)
    try:
        new = make_deployment(mock.url)
        key, snapshot = make_key(subscriptions={old.api_id: "ACTIVE", new.api_id: "ACTIVE"})
        writer.put_key(snapshot)
        writer.put_deployment(new)
        wait_synced(proxy.url, writer)
        assert call(proxy, new, key).status_code == 200
        # The same generation, but a committed version from before `new`: an older copy.
        writer.client.hdel(writer.names.deployments, new.key)
        writer.client.set(writer.names.committed, 1)
        writer.client.client_kill_filter(_type="pubsub")  # the proxy reconnects and reloads
        eventually(lambda: "registry_redis_behind" in proxy.log.read_text())
        assert call(proxy, new, key).status_code == 200
    finally:
        proxy.stop()


@pytest.mark.parametrize(
    ("ready", "known", "generation", "committed", "applied", "replaces"),
    [
        (False, None, None, 0, 0, True),  # the first load takes whatever there is
        (True, b"g1", None, 0, 50, False),  # lost its data
        (True, b"g1", None, 90, 50, False),  # lost, then written to before the republish
        (True, b"g1", b"g2", 10, 50, True),  # republished under a new generation
        (True, b"g1", b"g1", 40, 50, False),  # restored from an older copy
        (True, b"g1", b"g1", 50, 50, True),  # a reconnect to the same data
        (True, None, None, 60, 50, True),  # no control plane generation yet, nothing lost
    ],
)
def test_when_redis_may_replace_the_cache(ready, known, generation, committed, applied, replaces):
    assert replaces_cache(ready, known, generation, committed, applied) is replaces
