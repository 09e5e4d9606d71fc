"""Header rules: the gateway's rate-limit headers replace the provider's, the provider's account
headers stay with the gateway (unless the API opts in to passing them), Connection-listed headers
stop at the hop, and a caller's x-request-id is echoed and stored beside the gateway's own."""

from __future__ import annotations

from dataclasses import replace

import httpx

from proxy.contract import Limits
from tests.proxy.limits_e2e.support import limited_key
from tests.proxy.support import make_deployment, wait_synced
from tests.proxy.test_proxy_forwarding import chat, publish, usage_event


def post(proxy, deployment, key: str, **headers: str) -> httpx.Response:
    return httpx.post(
        f"{proxy.url}/{deployment.route}/chat/completions",
        json=chat(),
        headers={"Authorization": f"Bearer {key}", **headers},
        timeout=10,
    )


def test_the_gateways_rate_limit_headers_replace_the_providers(proxy, mock, registry):
    deployment = make_deployment(mock.url)
    registry.put_deployment(deployment)
    key, snapshot = limited_key(deployment, plan=Limits(requests=5, unit_seconds=60))
    registry.put_key(snapshot)
    wait_synced(proxy.url, registry)
    response = post(proxy, deployment, key)
    assert response.status_code == 200
    assert response.headers.get_list("x-ratelimit-limit-requests") == ["5"]
    assert "x-ratelimit-limit-tokens" not in response.headers  # the provider's account limit
    assert "openai-organization" not in response.headers
    assert "openai-project" not in response.headers


def test_without_a_plan_limit_no_provider_account_header_reaches_the_caller(proxy, mock, registry):
    deployment = make_deployment(mock.url)
    key = publish(registry, [proxy], deployment)
    response = post(proxy, deployment, key)
    assert response.status_code == 200
    leaked = [n for n in response.headers if n.startswith(("x-ratelimit-", "openai-"))]
    assert leaked == []


def test_headers_named_in_connection_are_not_forwarded(proxy, mock, registry):
    deployment = make_deployment(mock.url)
    key = publish(registry, [proxy], deployment)
    response = post(
        proxy,
        deployment,
        key,
        Connection="keep-alive, x-hop-secret",
        **{"x-hop-secret": "for the next hop only", "x-end-to-end": "kept"},
    )
    assert response.status_code == 200
    (request,) = mock.requests()
    assert "x-hop-secret" not in request["headers"]
    assert request["headers"]["x-end-to-end"] == "kept"


def test_a_callers_request_id_is_echoed_and_stored_beside_the_gateways(proxy, mock, registry):
    deployment = make_deployment(mock.url)
    key = publish(registry, [proxy], deployment)
    first = post(proxy, deployment, key, **{"x-request-id": "client-42.a:b"})
    again = post(proxy, deployment, key, **{"x-request-id": "client-42.a:b"})  # reused id
    for response in (first, again):
        assert response.headers["x-request-id"] == "client-42.a:b"
    own = [response.headers["x-gateway-request-id"] for response in (first, again)]
    assert own[0] != own[1]  # each call keeps its own idempotency key: both are metered
    for request_id in own:
        event = usage_event(registry, request_id)
        assert event["client_request_id"] == "client-42.a:b"


def test_an_invalid_request_id_is_not_echoed(proxy, mock, registry):
    deployment = make_deployment(mock.url)
    key = publish(registry, [proxy], deployment)
    for bad in ("has space", "x" * 129, "semi;colon"):
        response = post(proxy, deployment, key, **{"x-request-id": bad})
        assert response.headers["x-request-id"] != bad
        assert "x-gateway-request-id" not in response.headers
        event = usage_event(registry, response.headers["x-request-id"])
        assert event["client_request_id"] == ""


def test_an_api_that_opts_in_passes_the_provider_account_headers(proxy, mock, registry):
    deployment = replace(make_deployment(mock.url), pass_provider_headers=True)
    key = publish(registry, [proxy], deployment)
    response = post(proxy, deployment, key)
    assert response.status_code == 200
    assert response.headers["openai-organization"] == "org-mock"
    assert response.headers["openai-project"] == "proj_mock"
    assert response.headers.get_list("x-ratelimit-limit-requests") == ["10000"]


def test_an_opted_in_api_still_shows_only_the_gateways_rate_limits(proxy, mock, registry):
    deployment = replace(make_deployment(mock.url), pass_provider_headers=True)
    registry.put_deployment(deployment)
    key, snapshot = limited_key(deployment, plan=Limits(requests=5, unit_seconds=60))
    registry.put_key(snapshot)
    wait_synced(proxy.url, registry)
    response = post(proxy, deployment, key)
    assert response.status_code == 200
    assert response.headers.get_list("x-ratelimit-limit-requests") == ["5"]
    assert "x-ratelimit-limit-tokens" not in response.headers
    assert response.headers["openai-organization"] == "org-mock"  # the rest passes
