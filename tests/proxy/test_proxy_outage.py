"""Redis going away: the proxy keeps serving what it has, buffers usage, and recovers."""

from __future__ import annotations

from tests.proxy.support import (
    RedisRegistry,
    eventually,
    make_deployment,
    make_key,
    start_proxy,
    wait_synced,
)
from tests.proxy.test_proxy_registry import call


def test_redis_outage_keeps_cached_keys_buffers_usage_and_recovers(redis_server, mock, proxy_logs):
    registry = RedisRegistry(redis_server.url)
    deployment = make_deployment(mock.url)
    registry.put_deployment(deployment)
    known, snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"})
    registry.put_key(snapshot)
    proxy = start_proxy(proxy_logs, REDIS_URL=redis_server.url)
    try:
        wait_synced(proxy.url, registry)
        assert call(proxy, deployment, known).status_code == 200

        redis_server.stop()
        during = call(proxy, deployment, known)
        unknown, _ = make_key()
        assert during.status_code == 200  # served from the process's cache
        assert call(proxy, deployment, unknown).json()["error"]["code"] == "registry_unavailable"

        redis_server.start()  # empty: what the outage lost must come back from the publisher
        registry = RedisRegistry(redis_server.url)
        registry.put_deployment(deployment)
        newcomer, snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"})
        registry.put_key(snapshot)
        wait_synced(proxy.url, registry)  # reconnected and reloaded
        assert call(proxy, deployment, newcomer).status_code == 200

        def delivered() -> bool:  # the event of the call made during the outage was kept
            ids = {event["request_id"] for event in registry.usage_events()}
            return during.headers["x-request-id"] in ids

        eventually(delivered)
    finally:
        proxy.stop()
