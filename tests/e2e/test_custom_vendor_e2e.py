"""A custom vendor end to end: defined through the REST API, used by an API that a client calls
through the real proxy; tokens metered from the configured paths, the plan's limit enforced,
and the analytics API (usage and remaining quota) reporting it from the web process."""

from __future__ import annotations

import json
import os
import time
import uuid
from collections.abc import Callable

import httpx
import pytest

from core.api.auth import create_token
from core.models import UsageEvent
from core.services.tenants import add_member, create_tenant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROVIDER_KEY = "echo-provider-key"
DEFINITION = """\
openapi: 3.0.3
info: {title: Echo, version: v1}
paths:
  /chat/completions:
    post:
      responses:
        200: {description: OK}
"""
USAGE_PATHS = {
    "prompt_tokens": "$.usage.prompt_tokens",
    "completion_tokens": "$.usage.completion_tokens",
    "total_tokens": "$.usage.total_tokens",
    "request_model": "$.model",
    "response_model": "$.model",
}


def call(client: httpx.Client, method: str, path: str, **kwargs) -> dict:
    response = client.request(method, path, **kwargs)
    assert response.status_code < 300, (method, path, response.status_code, response.text)
    return response.json() if response.content else {}


def eventually(check: Callable[[], object], timeout: float = 40.0) -> object:
    """The worker rolls usage up every 10 s; wait for it."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.5)


@pytest.fixture
def admin_client(stack):
    from django.contrib.auth import get_user_model

    slug = f"cv-{uuid.uuid4().hex[:8]}"
    tenant = create_tenant(slug=slug, name="Custom vendor org")
    user = get_user_model().objects.create_user(f"ops-{slug}", password="pw-123456!")
    add_member(tenant=tenant, user=user, roles=["admin"], actor=None)
    _token, plaintext = create_token(user=user, name="e2e", access="write")
    base = f"{stack.web_url}/api/v1/tenants/{slug}"
    headers = {"Authorization": f"Bearer {plaintext}"}
    with httpx.Client(base_url=base, headers=headers, timeout=20) as client:
        yield tenant, client


def build(rest: httpx.Client, stack) -> tuple[dict, str]:
    """Vendor → API on it → publish and deploy → a plan of 2 requests → subscribe → key."""
    call(
        rest,
        "POST",
        "/vendors/",
        data={
            "name": "Echo",
            "version": "v1",
            "base_url": stack.mock_url + "/openai/v1",
            "auth_scheme": "header",
            "auth_name": "Authorization",
            "auth_prefix": "Bearer ",
            "usage_paths": json.dumps(USAGE_PATHS),
        },
        files={"api_definition": ("openapi.yaml", DEFINITION, "application/yaml")},
    )
    api = call(
        rest,
        "POST",
        "/apis/",
        json={"name": "Echo API", "context": "echo", "version": "v1", "vendor": "echo"},
    )
    endpoint = f"/apis/{api['id']}/endpoints/production/"
    call(rest, "PATCH", endpoint, json={"api_key": PROVIDER_KEY})
    call(rest, "POST", f"/apis/{api['id']}/lifecycle/", json={"state": "PUBLISHED"})
    call(rest, "POST", f"/apis/{api['id']}/revisions/", json={})
    call(rest, "POST", f"/apis/{api['id']}/deployments/", json={"revision": 1})
    two_a_day = {"name": "Two", "request_limit": 2, "unit_seconds": 86400}
    plan = call(rest, "POST", "/plans/", json=two_a_day)
    call(rest, "PATCH", f"/apis/{api['id']}/", json={"allowed_plans": [plan["id"]]})
    app = call(rest, "POST", "/applications/", json={"name": "echo app"})
    body = {"application": app["id"], "api": api["id"], "plan": plan["id"]}
    call(rest, "POST", "/subscriptions/", json=body)
    key = call(rest, "POST", f"/applications/{app['id']}/keys/", json={"key_type": "production"})
    return api, key["key"]


def test_custom_vendor_through_the_gateway(stack, admin_client) -> None:
    tenant, rest = admin_client
    api, key = build(rest, stack)
    stack.sync()  # the deployment and the key have reached the gateway
    stack.clear_mock()
    url = stack.gateway_url(tenant.slug, api["route"]) + "/chat/completions"
    chat = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Say hi"}]}
    headers = {"Authorization": f"Bearer {key}"}

    answers = [httpx.post(url, json=chat, headers=headers, timeout=20) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429], answers[-1].text
    assert answers[2].json()["error"]["code"] == "rate_limit_requests"
    [first, _] = stack.mock_requests()
    assert first["headers"]["authorization"] == f"Bearer {PROVIDER_KEY}"
    assert key not in str(first)

    usage = answers[0].json()["usage"]

    def admitted_rows() -> list[UsageEvent] | None:  # the proxy writes usage in batches
        rows = list(UsageEvent.objects.filter(tenant_id=tenant.pk, status=200))
        return rows if len(rows) >= 2 else None

    rows = eventually(admitted_rows)
    assert rows is not None and len(rows) == 2
    for row in rows:
        assert (row.prompt_tokens, row.completion_tokens, row.total_tokens) == (
            usage["prompt_tokens"],
            usage["completion_tokens"],
            usage["total_tokens"],
        )
        assert row.vendor == "echo" and row.model_requested == "gpt-4o-mini"

    def summary() -> dict | None:
        body = call(rest, "GET", "/analytics/summary/", params={"range": "1h"})
        return body if body["totals"]["requests"] == 3 else None

    totals = eventually(summary)
    assert totals, "the rollups never showed the three calls"
    assert totals["totals"]["throttled"] == 1
    assert totals["totals"]["total_tokens"] == 2 * usage["total_tokens"]

    def quota() -> dict | None:
        [row] = call(rest, "GET", "/analytics/quotas/")["results"]
        return row if row["limits"][0]["used"] == 2 else None

    found = eventually(quota)
    assert found, "the quota never showed the two admitted calls"
    assert found["source"] == ("counters" if os.environ.get("REDIS_URL") else "rollups")
    assert found["limits"][0] == {
        "dimension": "requests",
        "limit": 2,
        "used": 2,
        "remaining": 0,
    }
