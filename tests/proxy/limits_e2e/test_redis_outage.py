"""Redis killed mid-test: each process limits on its own share, then the shared count resumes."""

from __future__ import annotations

import httpx

from proxy.contract import Limits
from tests.proxy.support import RedisRegistry, eventually, make_deployment, start_proxy

from .support import (
    DEGRADED,
    RECOVERED,
    chat,
    fresh_tenant_id,
    inside_window,
    limited_key,
    log_count,
    post,
    publish,
)


def _limit_header(response: httpx.Response) -> str:
    return response.headers.get("x-ratelimit-limit-requests", "")


def test_redis_killed_falls_back_per_process_then_the_shared_limit_resumes(
    persistent_redis, mock, proxy_logs
):
    registry = RedisRegistry(persistent_redis.url)
    deployment = make_deployment(mock.url, tenant_id=fresh_tenant_id())
    key, snapshot = limited_key(deployment, plan=Limits(requests=30, unit_seconds=3600))
    env = {
        "REDIS_URL": persistent_redis.url,
        "TOLLGATE_EXPECTED_REPLICAS": "3",
        "TOLLGATE_LIMITS_RETRY_SECONDS": "0.2",
    }
    registry.put_deployment(deployment)
    registry.put_key(snapshot)
    proxies = []
    route, payload = deployment.route, chat()
    try:
        proxies.extend(start_proxy(proxy_logs, **env) for _ in range(3))
        publish(registry, proxies, deployment)
        inside_window(3600, needed=60)
        for index in range(6):  # shared: one count across the processes
            response = post(proxies[index % 3], route, key, payload)
            assert response.status_code == 200, response.text
            assert response.headers["x-ratelimit-remaining-requests"] == str(29 - index)

        persistent_redis.kill()
        for process in proxies:  # each process: 30 // 3 replicas = 10, never unlimited
            responses = [post(process, route, key, payload) for _ in range(12)]
            assert [r.status_code for r in responses] == [200] * 10 + [429] * 2
            assert {_limit_header(r) for r in responses} == {"10"}
            assert responses[-1].json()["error"]["code"] == "rate_limit_requests"
            assert log_count(process, DEGRADED) == 1  # logged once, not per call

        persistent_redis.start()  # its append-only file brings back the registry and the count

        def shared_again(process, status: int):
            def check():
                response = post(process, route, key, payload)
                return (
                    response
                    if (response.status_code, _limit_header(response))
                    == (
                        status,
                        "30",
                    )
                    else None
                )

            return check

        first = eventually(shared_again(proxies[0], 200), timeout=10)
        assert first.headers["x-ratelimit-remaining-requests"] == "23"  # 30 - 6 - this call
        rest = [post(proxies[0], route, key, payload) for _ in range(24)]
        assert [r.status_code for r in rest] == [200] * 23 + [429]  # past its local 10: shared
        for process in proxies[1:]:  # the shared window is spent for every process
            refused = eventually(shared_again(process, 429), timeout=10)
            assert refused.headers["x-ratelimit-remaining-requests"] == "0"
        for process in proxies:
            assert log_count(process, DEGRADED) == 1
            assert log_count(process, RECOVERED) == 1
    finally:
        for process in proxies:
            process.stop()
