"""A circuit opened through one proxy stops all three sending to the target (Redis shares it),
and a successful probe closes it again."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.proxy.gateways import MESSAGES
from tests.proxy.routing_support import Spec, clear_fault, hits, pool_deployment, set_fault
from tests.proxy.support import (
    Process,
    RedisRegistry,
    eventually,
    make_key,
    start_proxies,
    wait_synced,
)
from tests.support.services import RedisDb

SUSPEND = 2.0


@pytest.fixture(scope="module")
def three_proxies(
    _mock_process, proxy_logs: Path, shared_redis: RedisDb
) -> Iterator[list[Process]]:
    proxies = start_proxies(3, proxy_logs, REDIS_URL=shared_redis.url)
    yield proxies
    for process in proxies:
        process.stop()


def call(proxy: Process, route: str, key: str) -> httpx.Response:
    return httpx.post(
        f"{proxy.url}/{route}/chat/completions",
        json={"model": "gpt-4o-mini", "messages": MESSAGES},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )


def test_circuit_opens_on_every_proxy_and_closes_after_a_probe(
    three_proxies: list[Process], registry: RedisRegistry, mock
):
    routing = {"circuit_failures": 2, "suspend_seconds": SUSPEND}
    deployment, names = pool_deployment(
        mock.url, [Spec("flaky"), Spec("backup", priority=1)], routing=routing
    )
    flaky, backup = names["flaky"], names["backup"]
    registry.put_deployment(deployment)
    key, snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"})
    registry.put_key(snapshot)
    for proxy in three_proxies:
        wait_synced(proxy.url, registry)
    set_fault(mock.url, flaky, status=503)
    first, *others = three_proxies

    for _ in range(2):  # two failures on `flaky` (each call still answered by `backup`)
        assert call(first, deployment.route, key).status_code == 200
    assert hits(mock.requests(), flaky) == 2

    slipped = []

    def skipped_everywhere() -> bool:
        mock.clear()
        for proxy in three_proxies:
            assert call(proxy, deployment.route, key).status_code == 200
        requests = mock.requests()
        slipped.append(hits(requests, flaky))
        return hits(requests, flaky) == 0 and hits(requests, backup) == 3

    eventually(skipped_everywhere, timeout=5)
    # Circuits of their own would have let each other proxy fail twice before opening.
    assert sum(slipped) < 2 * len(others)
    clear_fault(mock.url, flaky)
    time.sleep(SUSPEND)

    mock.clear()
    assert call(others[0], deployment.route, key).status_code == 200  # the probe
    assert hits(mock.requests(), flaky) == 1

    def closed_everywhere() -> bool:
        mock.clear()
        for proxy in three_proxies:
            assert call(proxy, deployment.route, key).status_code == 200
        return hits(mock.requests(), flaky) == 3

    eventually(closed_everywhere, timeout=5)
