"""The embedded mode (one proxy process, no Redis): the same limits, counted in the process."""

from __future__ import annotations

import time

from proxy.contract import Limits
from tests.proxy.support import eventually, make_deployment, wait_synced

from .support import (
    Call,
    burst,
    chat,
    fresh_tenant_id,
    inside_window,
    limited_key,
    post,
    reservation,
    retry_after_bounds,
)


def _publish(registry, proxy, deployment, *snapshots) -> None:
    registry.put_deployment(deployment)
    for snapshot in snapshots:
        registry.put_key(snapshot)
    wait_synced(proxy.url, registry)


def _rows_of(registry, key_id: int, count: int) -> list[dict]:
    def found():
        rows = [row for row in registry.usage_rows() if row["key_id"] == key_id]
        return rows if len(rows) >= count else None

    return eventually(found, timeout=10)


def test_request_limit_holds_for_a_burst(embedded_proxy, embedded_registry, mock):
    deployment = make_deployment(mock.url, tenant_id=fresh_tenant_id())
    key, snapshot = limited_key(deployment, plan=Limits(requests=5, unit_seconds=60))
    _publish(embedded_registry, embedded_proxy, deployment, snapshot)
    window_end = inside_window(60, needed=15)

    started = time.time()
    responses = burst([Call(embedded_proxy.url, key, chat()) for _ in range(12)], deployment.route)
    finished = time.time()

    assert sorted(r.status_code for r in responses) == [200] * 5 + [429] * 7
    admitted = [r for r in responses if r.status_code == 200]
    remaining = sorted(int(r.headers["x-ratelimit-remaining-requests"]) for r in admitted)
    assert remaining == [0, 1, 2, 3, 4]
    low, high = retry_after_bounds(window_end, started, finished)
    for refused in (r for r in responses if r.status_code == 429):
        assert refused.json()["error"]["code"] == "rate_limit_requests"
        assert low <= int(refused.headers["retry-after"]) <= high
    rows = _rows_of(embedded_registry, snapshot.key_id, 12)
    assert sorted(row["status"] for row in rows) == [200] * 5 + [429] * 7


def test_token_reservations_hold_concurrent_calls(embedded_proxy, embedded_registry, mock):
    deployment = make_deployment(mock.url, tenant_id=fresh_tenant_id())
    key, snapshot = limited_key(deployment, plan=Limits(total_tokens=1000, unit_seconds=60))
    _publish(embedded_registry, embedded_proxy, deployment, snapshot)
    payload = chat(max_tokens=300)
    assert 3 * reservation(payload) <= 1000 < 4 * reservation(payload)
    inside_window(60, needed=15)

    slow = Call(embedded_proxy.url, key, payload)  # in flight together: all reserved at once
    responses = burst([slow] * 6, deployment.route, headers={"x-mock-delay": "0.5"})

    assert sorted(r.status_code for r in responses) == [200] * 3 + [429] * 3
    refused = [r for r in responses if r.status_code == 429]
    assert {r.json()["error"]["code"] for r in refused} == {"quota_tokens"}
    assert {r.headers["x-ratelimit-limit-tokens"] for r in responses} == {"1000"}
    # settling refunds the unused part of each reservation: room for more calls
    eventually(lambda: post(embedded_proxy, deployment.route, key, payload).status_code == 200)


def test_soft_plan_admits_and_flags_quota_exceeded(embedded_proxy, embedded_registry, mock):
    deployment = make_deployment(mock.url, tenant_id=fresh_tenant_id())
    soft = Limits(requests=2, unit_seconds=60, stop_on_quota=False)
    key, snapshot = limited_key(deployment, plan=soft)
    _publish(embedded_registry, embedded_proxy, deployment, snapshot)
    inside_window(60, needed=10)

    responses = [post(embedded_proxy, deployment.route, key, chat()) for _ in range(4)]

    assert [r.status_code for r in responses] == [200] * 4
    rows = _rows_of(embedded_registry, snapshot.key_id, 4)
    flags = {row["request_id"]: bool(row["quota_exceeded"]) for row in rows}
    assert [flags[r.headers["x-request-id"]] for r in responses] == [False, False, True, True]
