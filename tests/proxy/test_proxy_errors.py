"""Every error code the gateway raises, each provoked through a real proxy process."""

from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import replace
from pathlib import Path

import httpx
import orjson

from proxy.errors import CATALOG
from tests.proxy.gateways import Gateway, unified_deployment
from tests.proxy.support import (
    REPO,
    eventually,
    free_port,
    make_deployment,
    make_key,
    start_proxy,
    wait_synced,
    with_lifecycle,
)
from tests.proxy.test_proxy_forwarding import chat, publish


def expect_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code and set(error) == {"message", "type", "code", "param"}
    assert response.headers["x-request-id"]
    return error


def expect_stream_error(response: httpx.Response, status: int, code: str) -> dict:
    """A stream that started (200) and then broke: its last event is the error, no [DONE]."""
    assert response.status_code == 200, response.text
    last = response.text.rstrip().rsplit("\n\n", 1)[-1]
    error = orjson.loads(last.removeprefix("data: "))["error"]
    assert error["code"] == code and CATALOG[code].status == status
    assert "[DONE]" not in response.text
    return error


def post(proxy, deployment, key: str | None, payload=None, **headers) -> httpx.Response:
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return httpx.post(
        f"{proxy.url}/{deployment.route}/chat/completions",
        json=payload or chat(),
        headers=headers,
        timeout=10,
    )


def test_routing_errors(proxy, mock, registry):
    deployment = make_deployment(mock.url)
    key = publish(registry, [proxy], deployment)
    expect_error(httpx.get(f"{proxy.url}/no/such/api/models"), 404, "route_not_found")
    response = httpx.post(f"{proxy.url}/{deployment.route}/audio/speech", headers={"apikey": key})
    expect_error(response, 404, "operation_not_supported")
    expect_error(
        httpx.delete(f"{proxy.url}/{deployment.route}/models", headers={"apikey": key}),
        404,
        "operation_not_supported",
    )


def test_authentication_errors(proxy, mock, registry):
    deployment = make_deployment(mock.url)
    publish(registry, [proxy], deployment)
    expect_error(post(proxy, deployment, None), 401, "missing_api_key")
    expect_error(post(proxy, deployment, "tg_p_madeupmadeupsecret"), 401, "invalid_api_key")
    other_tenant, snapshot = make_key(
        subscriptions={deployment.api_id: "ACTIVE"}, tenant="globex", tenant_id=2
    )
    registry.put_key(snapshot)
    expect_error(post(proxy, deployment, other_tenant), 401, "invalid_api_key")
    expired, snapshot = make_key(
        subscriptions={deployment.api_id: "ACTIVE"}, expires_at=time.time() - 1
    )
    registry.put_key(snapshot)
    expect_error(post(proxy, deployment, expired), 401, "api_key_expired")
    assert mock.requests() == []


def test_subscription_errors(proxy, mock, registry):
    deployment = make_deployment(mock.url, sandbox_key="sk-sandbox")
    publish(registry, [proxy], deployment)
    unsubscribed, snapshot = make_key(subscriptions={})
    registry.put_key(snapshot)
    expect_error(post(proxy, deployment, unsubscribed), 403, "not_subscribed")
    blocked, snapshot = make_key(subscriptions={deployment.api_id: "BLOCKED"})
    registry.put_key(snapshot)
    expect_error(post(proxy, deployment, blocked), 403, "subscription_blocked")
    prod, snapshot = make_key(subscriptions={deployment.api_id: "PROD_ONLY_BLOCKED"})
    registry.put_key(snapshot)
    expect_error(post(proxy, deployment, prod), 403, "subscription_blocked")
    sandbox, snapshot = make_key(
        subscriptions={deployment.api_id: "PROD_ONLY_BLOCKED"}, key_type="sandbox"
    )
    registry.put_key(snapshot)
    assert post(proxy, deployment, sandbox).status_code == 200


def test_blocked_api_and_missing_endpoint(proxy, mock, registry):
    deployment = make_deployment(mock.url)
    key = publish(registry, [proxy], deployment)
    sandbox_key, snapshot = make_key(
        subscriptions={deployment.api_id: "ACTIVE"}, key_type="sandbox"
    )
    registry.put_key(snapshot)
    expect_error(post(proxy, deployment, sandbox_key), 403, "no_endpoint_for_key_type")
    registry.put_deployment(with_lifecycle(deployment, "BLOCKED"))
    wait_synced(proxy.url, registry)
    expect_error(post(proxy, deployment, key), 403, "api_blocked")


def test_body_limit_refuses_before_reading(proxy, mock, registry):
    deployment = make_deployment(mock.url, request_size_limit=200)
    key = publish(registry, [proxy], deployment)
    big = chat(padding="x" * 500)
    refused = post(proxy, deployment, key, big)
    expect_error(refused, 413, "request_too_large")
    assert refused.headers["connection"] == "close"

    def chunks():  # no content-length: the limit applies while reading
        yield b'{"model": "gpt-4o-mini", "padding": "'
        for _ in range(50):
            yield b"x" * 20
        yield b'"}'

    response = httpx.post(
        f"{proxy.url}/{deployment.route}/chat/completions",
        content=chunks(),
        headers={"apikey": key},
    )
    expect_error(response, 413, "request_too_large")
    assert mock.requests() == []


def test_azure_without_deployment_or_model(proxy, mock, registry):
    deployment = make_deployment(mock.url, vendor="azure")
    key = publish(registry, [proxy], deployment)
    payload = {"messages": [{"role": "user", "content": "hi"}]}
    expect_error(post(proxy, deployment, key, payload), 400, "missing_model")


def test_policy_refusals(proxy, mock, registry):
    guard = {"kind": "regex_guard", "name": "no-hi", "parameters": {"pattern": "hi"}}
    guarded = replace(make_deployment(mock.url), policies=(guard,))
    template = {"name": "greet", "prompt": "Greet {{who}}."}
    only_templates = {
        "kind": "prompt_template",
        "parameters": {"templates": [template], "template_only": True},
    }
    templated = replace(make_deployment(mock.url), policies=(only_templates,))
    key = publish(registry, [proxy], guarded)
    other_key = publish(registry, [proxy], templated)
    error = expect_error(post(proxy, guarded, key), 400, "guardrail_blocked")
    assert error["param"] == "no-hi"
    expect_error(post(proxy, templated, other_key), 400, "prompt_template_required")
    unknown = {"model": "gpt-4o-mini", "messages": "{template://nope}"}
    expect_error(post(proxy, templated, other_key, unknown), 400, "prompt_template_invalid")
    assert mock.requests() == []


def test_upstream_failures(proxy, mock, registry):
    slow = make_deployment(mock.url)
    key = publish(registry, [proxy], slow)
    expect_error(post(proxy, slow, key, **{"x-mock-delay": "3"}), 504, "upstream_timeout")
    expect_error(post(proxy, slow, key, chat("mock-redirect")), 502, "upstream_redirect_refused")
    cut = post(proxy, slow, key, chat(stream=True), **{"x-mock-stream-cut-after": "2"})
    expect_stream_error(cut, 502, "upstream_stream_interrupted")
    closed = make_deployment(mock.url, production_url=f"http://127.0.0.1:{free_port()}/v1")
    key = publish(registry, [proxy], closed)
    expect_error(post(proxy, closed, key), 502, "upstream_unreachable")
    metadata = make_deployment(mock.url, production_url="http://169.254.169.254/v1")
    key = publish(registry, [proxy], metadata)
    expect_error(post(proxy, metadata, key), 502, "upstream_address_refused")


def test_undecryptable_credential(proxy, mock, registry):
    deployment = make_deployment(mock.url)
    broken = replace(deployment.production, credential="not-a-fernet-token")
    deployment = replace(deployment, production=broken)
    key = publish(registry, [proxy], deployment)
    expect_error(post(proxy, deployment, key), 502, "upstream_misconfigured")


def test_private_upstreams_refused_at_connect_time(strict_proxy, mock, registry):
    port = mock.url.rsplit(":", 1)[1]
    by_name = make_deployment(mock.url, production_url=f"http://localhost:{port}/openai/v1")
    key = publish(registry, [strict_proxy], by_name)
    error = expect_error(post(strict_proxy, by_name, key), 502, "upstream_address_refused")
    assert "loopback" in error["message"]
    literal = make_deployment(mock.url)  # http://127.0.0.1:…, refused without resolving
    key = publish(registry, [strict_proxy], literal)
    expect_error(post(strict_proxy, literal, key), 502, "upstream_address_refused")
    assert mock.requests() == []


def test_limiter_seam_refusal_and_failure(strict_proxy, mock, registry):
    deployment = make_deployment(mock.url, production_url="http://upstream.invalid/v1")
    key = publish(registry, [strict_proxy], deployment)
    admitted = post(strict_proxy, deployment, key)
    expect_error(admitted, 502, "upstream_unreachable")
    assert int(admitted.headers["x-test-estimated-tokens"]) > 0  # limiter headers ride along
    refused = post(strict_proxy, deployment, key, chat("limit-me"))
    expect_error(refused, 429, "rate_limit_exceeded")
    assert refused.headers["retry-after"] == "7"
    expect_error(post(strict_proxy, deployment, key, chat("explode")), 500, "internal_error")


def test_registry_unavailable_for_unknown_keys(embedded_proxy, embedded_registry, mock):
    deployment = make_deployment(mock.url)
    embedded_registry.put_deployment(deployment)
    known, snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"})
    embedded_registry.put_key(snapshot)
    wait_synced(embedded_proxy.url, embedded_registry)
    assert post(embedded_proxy, deployment, known).status_code == 200  # now cached
    db = embedded_registry.db
    db.execute("ALTER TABLE tollgate_registry RENAME TO tollgate_registry_away")
    try:
        unknown, _ = make_key()
        expect_error(post(embedded_proxy, deployment, unknown), 503, "registry_unavailable")
        assert post(embedded_proxy, deployment, known).status_code == 200  # keeps serving
    finally:
        db.execute("ALTER TABLE tollgate_registry_away RENAME TO tollgate_registry")


def test_not_ready_until_the_registry_loads(proxy_logs):
    process = start_proxy(proxy_logs, ready=False, REDIS_URL=f"redis://127.0.0.1:{free_port()}/1")
    try:
        assert httpx.get(f"{process.url}/readyz").status_code == 503
        response = httpx.get(f"{process.url}/any/api/models")
        expect_error(response, 503, "gateway_not_ready")
    finally:
        process.stop()


def test_translation_errors(proxy, mock, registry):
    deployment = unified_deployment(mock.url, "anthropic")
    key = Gateway("redis", proxy, registry).publish(deployment)
    audio = {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}
    payload = chat(messages=[{"role": "user", "content": [audio]}])
    expect_error(post(proxy, deployment, key, payload), 400, "untranslatable_request")
    assert mock.requests() == []  # refused before any I/O
    response = post(proxy, deployment, key, chat("mock-invalid-json"))
    expect_error(response, 502, "upstream_invalid_response")


def test_a_request_that_does_not_arrive_in_time(proxy_logs, shared_redis):
    patient = start_proxy(proxy_logs, REDIS_URL=shared_redis.url, PROXY_HEADER_TIMEOUT="1")
    try:
        with socket.create_connection(("127.0.0.1", patient.port), timeout=20) as sock:
            sock.sendall(b"POST /api/chat/completions HTTP/1.1\r\nHost: gateway\r\n")
            answer = b""
            while chunk := sock.recv(65536):
                answer += chunk
    finally:
        patient.stop()
    head, _, body = answer.partition(b"\r\n\r\n")
    response = httpx.Response(int(head.split()[1]), content=body, headers={"x-request-id": "-"})
    expect_error(response, 408, "request_timeout")


def test_a_call_waiting_for_its_provider_past_the_deadline_gets_a_503(proxy_logs, mock, registry):
    proxy = start_proxy(
        proxy_logs, REDIS_URL=registry.url, PROXY_DRAIN_TIMEOUT="1", PROXY_READ_TIMEOUT="30"
    )
    answers: list[httpx.Response] = []
    try:
        deployment = make_deployment(mock.url)
        key = publish(registry, [proxy], deployment)
        caller = threading.Thread(
            target=lambda: answers.append(
                httpx.post(
                    f"{proxy.url}/{deployment.route}/chat/completions",
                    json=chat(),
                    headers={"Authorization": f"Bearer {key}", "x-mock-delay": "10"},
                    timeout=30,
                )
            )
        )
        caller.start()
        eventually(lambda: len(mock.requests()) == 1)  # the call is with the provider
        proxy.signal_stop()
        caller.join(timeout=30)
    finally:
        proxy.stop()
    (answer,) = answers
    expect_error(answer, 503, "gateway_shutting_down")


def test_every_code_is_documented_and_provoked_here():
    documented = re.findall(r"^\| `([a-z_]+)` \|", (REPO / "docs/errors.md").read_text(), re.M)
    assert set(CATALOG) <= set(documented)
    source = Path(__file__).read_text()  # each code as `<status>, "<code>"` of an expect_error
    source += (Path(__file__).parent / "limits_e2e/test_limit_codes.py").read_text()  # 429s
    source += (Path(__file__).parent / "costs/test_budgets.py").read_text()  # budgets
    source += (Path(__file__).parent / "test_balancing_units.py").read_text()  # pools
    provoked = {code for code in CATALOG if re.search(rf'\d{{3}},\s*"{code}"', source)}
    assert set(CATALOG) == provoked, set(CATALOG) ^ provoked
