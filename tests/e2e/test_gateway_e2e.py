"""Issue 3's end-to-end test: real web, proxy, worker and mock provider processes.

A publisher creates an OpenAI, an Azure OpenAI and a Mistral API through the REST API,
publishes and deploys them; a developer subscribes and gets a key; the official `openai` SDK
calls all three through the proxy, streaming and not. The mock shows how the provider key
arrived; Postgres (or SQLite in the embedded mode) holds one usage row per call.
"""

from __future__ import annotations

import time
import uuid

import httpx
import openai
import pytest

from core.api.auth import create_token
from core.models import UsageEvent
from core.services.tenants import add_member, create_tenant

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PROVIDER_KEYS = {
    "openai": "sk-e2e-openai",
    "azure-openai": "azure-e2e-key",
    "mistral": "mistral-e2e-key",
}
MOCK_PATHS = {"openai": "/openai/v1", "azure-openai": "/azure", "mistral": "/mistral/v1"}
AZURE_SETTINGS = {"deployment": "gpt-4o-mini", "api_version": "2024-10-21"}
CHAT = [{"role": "user", "content": "Say this is a test!"}]


class Rest:
    def __init__(self, base: str, token: str) -> None:
        self.client = httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=20
        )

    def call(self, method: str, path: str, **kwargs) -> dict:
        response = self.client.request(method, path, **kwargs)
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json()


@pytest.fixture
def world(stack):
    from django.contrib.auth import get_user_model

    slug = f"e2e-{uuid.uuid4().hex[:8]}"
    tenant = create_tenant(slug=slug, name="E2E Org")
    user = get_user_model().objects.create_user(f"ops-{slug}", password="pw-123456!")
    add_member(tenant=tenant, user=user, roles=["creator", "publisher", "subscriber"], actor=None)
    _token, plaintext = create_token(user=user, name="e2e", access="write")
    rest = Rest(f"{stack.web_url}/api/v1/tenants/{slug}", plaintext)
    yield tenant, rest
    rest.client.close()


def publish_api(rest: Rest, stack, vendor: str) -> dict:
    api = rest.call(
        "POST",
        "/apis/",
        json={
            "name": f"{vendor} api",
            "context": f"{{version}}/{vendor}",
            "version": "1.0.0",
            "vendor": vendor,
            "endpoint_url": stack.mock_url + MOCK_PATHS[vendor],
        },
    )
    settings = AZURE_SETTINGS if vendor == "azure-openai" else {}
    rest.call(
        "PATCH",
        f"/apis/{api['id']}/endpoints/production/",
        json={"api_key": PROVIDER_KEYS[vendor], "settings": settings},
    )
    rest.call("POST", f"/apis/{api['id']}/revisions/", json={"description": "e2e"})
    rest.call("POST", f"/apis/{api['id']}/lifecycle/", json={"state": "PUBLISHED"})
    rest.call(
        "POST", f"/apis/{api['id']}/deployments/", json={"revision": 1, "environment": "default"}
    )
    return api


def test_three_vendors_through_the_gateway(stack, world):
    tenant, rest = world
    apis = {vendor: publish_api(rest, stack, vendor) for vendor in PROVIDER_KEYS}
    app = rest.call("POST", "/applications/", json={"name": "e2e app"})
    plan = next(p for p in rest.call("GET", "/plans/")["results"] if p["name"] == "Gold")
    for api in apis.values():
        rest.call(
            "POST",
            "/subscriptions/",
            json={"application": app["id"], "api": api["id"], "plan": plan["id"]},
        )
    key = rest.call("POST", f"/applications/{app['id']}/keys/", json={"key_type": "production"})[
        "key"
    ]
    stack.sync()  # the three deployments and the key have reached the gateway
    stack.clear_mock()

    for vendor, api in apis.items():
        client = openai.OpenAI(
            api_key=key, max_retries=0, base_url=stack.gateway_url(tenant.slug, api["route"])
        )
        answer = client.chat.completions.create(model="gpt-4o-mini", messages=CHAT)
        assert answer.choices[0].message.content
        usage = answer.usage
        assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
        chunks = list(
            client.chat.completions.create(model="gpt-4o-mini", messages=CHAT, stream=True)
        )
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        assert text == answer.choices[0].message.content
        if vendor != "mistral":  # Mistral itself always reports usage in its last chunk
            assert all(c.usage is None for c in chunks), "usage chunk leaked to the client"

    _assert_provider_keys_arrived_vendor_way(stack.mock_requests(), key)
    rows = _wait_for_usage(tenant.pk, expected=6)
    for row in rows:
        assert row.status == 200 and row.key_type == "production"
        assert row.prompt_tokens > 0 and row.completion_tokens > 0
        assert row.total_tokens == row.prompt_tokens + row.completion_tokens
    assert sorted(r.streamed for r in rows) == [False] * 3 + [True] * 3
    assert {r.vendor for r in rows} == set(PROVIDER_KEYS)


def _assert_provider_keys_arrived_vendor_way(requests: list[dict], caller_key: str) -> None:
    seen = set()
    for request in requests:
        headers = {k.lower(): v for k, v in request["headers"].items()}
        assert caller_key not in str(request), "the caller's key reached the provider"
        if request["path"].startswith("/azure/"):
            assert headers["api-key"] == PROVIDER_KEYS["azure-openai"]
            assert "authorization" not in headers
            assert "/openai/deployments/gpt-4o-mini/chat/completions" in request["path"]
            assert "api-version=2024-10-21" in request["query"]
            seen.add("azure-openai")
        else:
            vendor = "openai" if request["path"].startswith("/openai/") else "mistral"
            assert headers["authorization"] == f"Bearer {PROVIDER_KEYS[vendor]}"
            seen.add(vendor)
    assert seen == set(PROVIDER_KEYS)


def _wait_for_usage(tenant_id: int, expected: int, timeout: float = 20.0) -> list[UsageEvent]:
    """The worker stores usage asynchronously (Redis stream) or the proxy batches it."""
    deadline = time.monotonic() + timeout
    rows: list[UsageEvent] = []
    while time.monotonic() < deadline:
        rows = list(UsageEvent.objects.filter(tenant_id=tenant_id))
        if len(rows) >= expected:
            break
        time.sleep(0.25)
    assert len(rows) == expected, f"expected {expected} usage rows, found {len(rows)}"
    return rows
