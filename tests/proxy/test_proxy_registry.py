"""Registry behaviour seen from outside: revocation on every process once it applied it,
lifecycle, tenants and longest-route matching, and the embedded (SQLite) mode."""

from __future__ import annotations

from dataclasses import replace

import httpx

from tests.proxy.support import (
    eventually,
    make_deployment,
    make_key,
    start_proxy,
    wait_synced,
    with_lifecycle,
)
from tests.proxy.test_proxy_forwarding import chat, publish
from tests.support.readiness import applied_version


def call(process, deployment, key: str, prefix: str = "") -> httpx.Response:
    return httpx.post(
        f"{process.url}{prefix}/{deployment.route}/chat/completions",
        json=chat(),
        headers={"Authorization": f"Bearer {key}"},
        timeout=5,
    )


def answered_everywhere(proxies, registry, deployment, key, status: int) -> None:
    """Once every process has applied the change (its announcement, in milliseconds; how fast
    is bench/'s business, not a test's), each answers `status`."""
    for process in proxies:
        wait_synced(process.url, registry)
        assert call(process, deployment, key).status_code == status


def test_revoked_key_stops_on_every_process(proxies, mock, registry):
    deployment = make_deployment(mock.url)
    registry.put_deployment(deployment)
    key, snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"})
    registry.put_key(snapshot)
    for process in proxies:
        wait_synced(process.url, registry)
        assert call(process, deployment, key).status_code == 200  # cached on both now

    registry.revoke_key(snapshot)

    answered_everywhere(proxies, registry, deployment, key, 401)


def test_removed_subscription_and_blocked_api_stop_on_every_process(proxies, mock, registry):
    deployment = make_deployment(mock.url)
    registry.put_deployment(deployment)
    key, snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"})
    registry.put_key(snapshot)
    for process in proxies:
        wait_synced(process.url, registry)
        assert call(process, deployment, key).status_code == 200

    registry.put_key(replace(snapshot, subscriptions={}, version=snapshot.version + 1))
    answered_everywhere(proxies, registry, deployment, key, 403)

    registry.put_key(snapshot)  # subscribed again, then the API gets blocked
    for process in proxies:
        wait_synced(process.url, registry)
        assert call(process, deployment, key).status_code == 200
    registry.put_deployment(with_lifecycle(deployment, "BLOCKED"))
    answered_everywhere(proxies, registry, deployment, key, 403)


def test_undeployed_api_is_no_longer_routed(proxies, mock, registry):
    deployment = make_deployment(mock.url)
    key = publish(registry, proxies, deployment)
    registry.remove_deployment(deployment)
    answered_everywhere(proxies, registry, deployment, key, 404)


def test_lifecycle_states(proxy, mock, registry):
    prototype = make_deployment(mock.url, lifecycle="PROTOTYPED")
    registry.put_deployment(prototype)
    wait_synced(proxy.url, registry)
    unsubscribed, snapshot = make_key(subscriptions={})
    registry.put_key(snapshot)
    assert call(proxy, prototype, unsubscribed).status_code == 200  # no subscription needed
    assert httpx.post(f"{proxy.url}/{prototype.route}/chat/completions").status_code == 401

    deprecated = make_deployment(mock.url, lifecycle="DEPRECATED")
    key = publish(registry, [proxy], deprecated)
    assert call(proxy, deprecated, key).status_code == 200
    assert call(proxy, deprecated, unsubscribed).status_code == 403

    for state in ("CREATED", "RETIRED"):
        served = make_deployment(mock.url)
        key = publish(registry, [proxy], served)
        assert call(proxy, served, key).status_code == 200
        registry.put_deployment(with_lifecycle(served, state))
        wait_synced(proxy.url, registry)  # the proxy has applied the new state ...
        assert call(proxy, served, key).status_code == 404  # ... and no longer routes it


def test_tenant_prefix_default_tenant_and_longest_route(proxy, mock, registry):
    acme = make_deployment(mock.url, tenant="acme", tenant_id=7, route="chat/v1")
    acme_long = make_deployment(mock.url, tenant="acme", tenant_id=7, route="chat/v1/beta")
    registry.put_deployment(acme)
    registry.put_deployment(acme_long)
    key, snapshot = make_key(
        subscriptions={acme.api_id: "ACTIVE", acme_long.api_id: "ACTIVE"},
        tenant="acme",
        tenant_id=7,
    )
    registry.put_key(snapshot)
    wait_synced(proxy.url, registry)

    short = call(proxy, acme, key, "/t/acme")
    long = call(proxy, acme_long, key, "/t/acme")

    assert short.status_code == 200 and long.status_code == 200
    first, second = mock.requests()
    assert first["path"] == second["path"] == "/openai/v1/chat/completions"
    assert call(proxy, acme, key).status_code == 404  # not the default tenant's API
    default = make_deployment(mock.url, route="2.3.0/openaiapi")
    default_key = publish(registry, [proxy], default)
    assert (
        httpx.post(
            f"{proxy.url}/2.3.0/openaiapi/chat/completions",
            json=chat(),
            headers={"apikey": default_key},
        ).status_code
        == 200
    )


def test_embedded_mode_serves_revokes_and_records_usage(embedded_proxy, embedded_registry, mock):
    deployment = make_deployment(mock.url)
    embedded_registry.put_deployment(deployment)
    key, snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"})
    embedded_registry.put_key(snapshot)
    wait_synced(embedded_proxy.url, embedded_registry)

    response = call(embedded_proxy, deployment, key)
    assert response.status_code == 200
    request_id = response.headers["x-request-id"]

    def stored():
        rows = embedded_registry.usage_rows()
        return next((r for r in rows if r["request_id"] == request_id), None)

    row = eventually(stored)
    assert (row["prompt_tokens"], row["completion_tokens"], row["total_tokens"]) == (3, 5, 8)
    assert row["api_id"] == deployment.api_id and row["status"] == 200
    assert row["ts"][10] == " "  # Django's SQLite datetime text

    embedded_registry.revoke_key(snapshot)
    wait_synced(embedded_proxy.url, embedded_registry)  # within one poll
    assert call(embedded_proxy, deployment, key).status_code == 401


def test_readyz_reports_the_registry_version_applied(gateway, mock, proxy_logs):
    """The signal callers wait on: the version a proxy reports covers every change it serves,
    also for a proxy that starts after the changes (its initial load)."""
    deployment = make_deployment(mock.url)
    key = gateway.publish(deployment)  # waits until /readyz reports the registry's version
    assert applied_version(gateway.proxy.url) >= gateway.registry.version
    assert call(gateway.proxy, deployment, key).status_code == 200

    if gateway.mode == "redis":
        env = {"REDIS_URL": gateway.registry.url}
    else:
        env = {"REDIS_URL": None, "DATABASE_URL": f"sqlite:///{gateway.registry.path}"}
    late = start_proxy(proxy_logs, **env)
    try:
        assert applied_version(late.url) == gateway.registry.version
        assert call(late, deployment, key).status_code == 200
    finally:
        late.stop()
