"""Every level on every call (plan, application tier, API backend per key type), reservations
settled to the provider's usage: refunded on failure and disconnect, streams from their last
chunk."""

from __future__ import annotations

import socket
from dataclasses import replace

import httpx

from proxy.contract import Limits
from tests.proxy.support import eventually, make_deployment, make_key
from tests.proxy.test_proxy_forwarding import usage_event

from .support import (
    DEFAULT_MAX_TOKENS,
    chat,
    counter_values,
    fresh_tenant_id,
    inside_window,
    limited_key,
    plan_counter,
    post,
    publish,
    reservation,
)


def test_application_tier_counts_across_every_api_it_calls(three_proxies, mock, registry):
    tenant = fresh_tenant_id()
    first = make_deployment(mock.url, tenant_id=tenant)
    second = make_deployment(mock.url, tenant_id=tenant)
    key, snapshot = limited_key(first, application=Limits(requests=3), also=(second,))
    publish(registry, three_proxies, first, snapshot)
    publish(registry, three_proxies, second)
    inside_window(60, needed=10)

    routes = [first.route, second.route, first.route, second.route]
    responses = [post(three_proxies[i % 3], r, key, chat()) for i, r in enumerate(routes)]

    assert [r.status_code for r in responses] == [200, 200, 200, 429]
    assert responses[3].json()["error"]["code"] == "application_rate_limit_requests"
    assert [r.headers["x-ratelimit-remaining-requests"] for r in responses] == ["2", "1", "0", "0"]


def test_backend_limit_protects_the_provider_per_key_type(three_proxies, mock, registry):
    deployment = make_deployment(mock.url, tenant_id=fresh_tenant_id(), sandbox_key="sk-sandbox")
    backend = {"production": Limits(requests=2), "sandbox": Limits(requests=1)}
    deployment = replace(deployment, backend_limits=backend)
    alice, alice_snapshot = limited_key(deployment)
    bob, bob_snapshot = limited_key(deployment)  # another application, same API
    sandbox, sandbox_snapshot = limited_key(deployment, key_type="sandbox")
    publish(registry, three_proxies, deployment, alice_snapshot, bob_snapshot, sandbox_snapshot)
    inside_window(60, needed=10)
    proxy, route = three_proxies[0], deployment.route

    assert post(proxy, route, alice, chat()).status_code == 200
    assert post(three_proxies[1], route, bob, chat()).status_code == 200
    refused = post(three_proxies[2], route, alice, chat())
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "backend_rate_limit_requests"
    assert post(proxy, route, sandbox, chat()).status_code == 200  # its own backend count
    assert post(proxy, route, sandbox, chat()).json()["error"]["code"] == (
        "backend_rate_limit_requests"
    )


def test_soft_plan_admits_and_flags_quota_exceeded(three_proxies, mock, registry):
    deployment = make_deployment(mock.url, tenant_id=fresh_tenant_id())
    soft = Limits(requests=2, total_tokens=100_000, stop_on_quota=False)
    key, snapshot = limited_key(deployment, plan=soft)
    publish(registry, three_proxies, deployment, snapshot)
    inside_window(60, needed=10)

    responses = [post(three_proxies[i % 3], deployment.route, key, chat()) for i in range(4)]

    assert [r.status_code for r in responses] == [200] * 4
    assert [r.headers["x-ratelimit-remaining-requests"] for r in responses] == ["1", "0", "0", "0"]
    flags = [usage_event(registry, r.headers["x-request-id"])["quota_exceeded"] for r in responses]
    assert flags == [False, False, True, True]


def _token_plan(three_proxies, mock, registry, limits_prefix):
    deployment = make_deployment(mock.url, tenant_id=fresh_tenant_id())
    key, snapshot = limited_key(deployment, plan=Limits(total_tokens=10_000))
    publish(registry, three_proxies, deployment, snapshot)
    pattern = plan_counter(limits_prefix, deployment, snapshot, "total_tokens")
    return deployment, key, lambda: sum(counter_values(registry.url, pattern))


def test_reservations_are_refunded_when_the_call_fails(
    three_proxies, mock, registry, limits_prefix
):
    deployment, key, counted = _token_plan(three_proxies, mock, registry, limits_prefix)
    inside_window(60, needed=15)
    proxy, route = three_proxies[0], deployment.route

    failing = chat(max_tokens=50, model="mock-error-500")
    failed = post(proxy, route, key, failing)
    assert failed.status_code == 500
    reserved = str(10_000 - reservation(failing))
    assert failed.headers["x-ratelimit-remaining-tokens"] == reserved  # reserved in flight ...
    eventually(lambda: counted() == 0)  # ... and refunded: the provider charged nothing
    timed_out = post(proxy, route, key, chat(max_tokens=50), **{"x-mock-delay": "3"})
    assert timed_out.json()["error"]["code"] == "upstream_timeout"
    assert timed_out.headers["x-ratelimit-limit-tokens"] == "10000"  # on errors too
    eventually(lambda: counted() == 0)

    ok = post(proxy, route, key, chat())  # no max_tokens: the default completion is reserved
    prompt = reservation(chat(max_tokens=0))
    assert ok.headers["x-ratelimit-remaining-tokens"] == str(10_000 - prompt - DEFAULT_MAX_TOKENS)
    eventually(lambda: counted() == ok.json()["usage"]["total_tokens"])


def test_streams_settle_from_the_usage_chunk_and_disconnects_refund(
    three_proxies, mock, registry, limits_prefix
):
    deployment, key, counted = _token_plan(three_proxies, mock, registry, limits_prefix)
    inside_window(60, needed=15)
    url = f"{three_proxies[1].url}/{deployment.route}/chat/completions"
    headers = {"Authorization": f"Bearer {key}"}

    streamed = httpx.post(url, json=chat(max_tokens=200, stream=True), headers=headers)
    assert streamed.status_code == 200
    event = usage_event(registry, streamed.headers["x-request-id"])
    assert event["streamed"] is True and event["total_tokens"] > 0
    eventually(lambda: counted() == event["total_tokens"])  # the final chunk's usage, not 200+

    _disconnect_mid_stream(three_proxies[2], deployment.route, key)
    eventually(lambda: counted() == event["total_tokens"])  # the abandoned call refunded


def _disconnect_mid_stream(process, route: str, key: str) -> None:
    body = httpx.Request("POST", "http://x", json=chat(max_tokens=200, stream=True)).read()
    request = (
        f"POST /{route}/chat/completions HTTP/1.1\r\nhost: proxy\r\n"
        f"authorization: Bearer {key}\r\ncontent-type: application/json\r\n"
        f"x-mock-chunk-delay: 0.5\r\ncontent-length: {len(body)}\r\n\r\n"
    ).encode() + body
    with socket.create_connection(("127.0.0.1", process.port), timeout=10) as client:
        client.sendall(request)
        assert b"200" in client.recv(4096).split(b"\r\n", 1)[0]  # the stream has started


def test_unlimited_calls_carry_no_limit_headers(three_proxies, mock, registry):
    deployment = make_deployment(mock.url, tenant_id=fresh_tenant_id())
    key, snapshot = make_key(
        subscriptions={deployment.api_id: "ACTIVE"}, tenant_id=deployment.tenant_id
    )
    publish(registry, three_proxies, deployment, snapshot)

    response = post(three_proxies[0], deployment.route, key, chat())

    assert response.status_code == 200
    assert not [name for name in response.headers if name.startswith("x-ratelimit")]
