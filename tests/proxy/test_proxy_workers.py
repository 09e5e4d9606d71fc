"""`python -m proxy --workers 2`: two processes on one port, each with its own registry cache,
upstream session and usage buffer. A response's request id starts with its process's random
prefix (proxy/request_ids.py), which tells the workers apart from outside."""

from __future__ import annotations

import httpx

from tests.proxy.support import eventually, make_deployment, make_key, start_proxy
from tests.proxy.test_proxy_drain import stream_while_stopping
from tests.proxy.test_proxy_forwarding import chat

PREFIX = 16  # hex characters of a request id drawn once per process


def statuses_by_worker(url: str, key: str, calls: int = 30) -> dict[str, set[int]]:
    """Each call on a new connection, so the kernel may hand it to either worker."""
    seen: dict[str, set[int]] = {}
    for _ in range(calls):
        response = httpx.post(url, json=chat(), headers={"Authorization": f"Bearer {key}"})
        seen.setdefault(response.headers["x-request-id"][:PREFIX], set()).add(response.status_code)
    return seen


def every_worker_answers(url: str, key: str, status: int) -> dict[str, set[int]] | None:
    seen = statuses_by_worker(url, key)
    answered_alike = all(statuses == {status} for statuses in seen.values())
    return seen if len(seen) >= 2 and answered_alike else None


def test_two_workers_serve_meter_and_see_a_revocation(proxy_logs, mock, registry):
    proxy = start_proxy(proxy_logs, args=("--workers", "2"), REDIS_URL=registry.url)
    try:
        deployment = make_deployment(mock.url)
        registry.put_deployment(deployment)
        key, snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"})
        registry.put_key(snapshot)
        url = f"{proxy.url}/{deployment.route}/chat/completions"

        served = eventually(lambda: every_worker_answers(url, key, 200), timeout=30)

        def metered_by_both() -> bool:
            return set(served) <= {e["request_id"][:PREFIX] for e in registry.usage_events()}

        eventually(metered_by_both)

        registry.revoke_key(snapshot)
        refused = eventually(lambda: every_worker_answers(url, key, 401), timeout=30)
        assert len(refused) == 2
    finally:
        proxy.stop()


def test_sigterm_drains_the_workers_streams(proxy_logs, mock, registry):
    proxy = start_proxy(
        proxy_logs, args=("--workers", "2"), REDIS_URL=registry.url, PROXY_DRAIN_TIMEOUT="20"
    )
    try:
        deployment = make_deployment(mock.url)
        registry.put_deployment(deployment)
        key, snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"})
        registry.put_key(snapshot)
        url = f"{proxy.url}/{deployment.route}/chat/completions"
        eventually(lambda: every_worker_answers(url, key, 200), timeout=30)
        _, body = stream_while_stopping(proxy, deployment, key, "0.2")
    finally:
        proxy.stop()
    assert body.rstrip().endswith("data: [DONE]")
