"""Test: the publisher's console relays with an internal key of the API, plus the console's
proof; the key is reused while live, never shown, and calls only its API."""

from __future__ import annotations

import httpx
import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from django.urls import reverse

from core.models import ApiKey, LifecycleState
from core.secrets import hash_key
from core.services import deployments, lifecycle
from core.web import relay
from proxy.public import CONSOLE_PROOF_HEADER, console_proof

pytestmark = pytest.mark.django_db


@pytest.fixture
def gateway(monkeypatch):
    calls: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={"usage": {"total_tokens": 3}})

    monkeypatch.setattr(
        relay, "client", lambda: httpx.AsyncClient(transport=httpx.MockTransport(answer))
    )
    return calls


def deployed(api, actor):
    revision = deployments.create_revision(api=api, actor=actor, description="First")
    environment = api.tenant.environments.get(is_default=True)
    deployments.deploy_revision(revision=revision, environment=environment, actor=actor)
    return api


def call(user, api, times: int = 1) -> list:
    url = reverse("publisher:test-relay", args=[api.uuid, "chat/completions"])

    async def run():
        client = AsyncClient()
        await client.aforce_login(user)
        results = []
        for _ in range(times):
            response = await client.post(url, b'{"model": "m"}', content_type="application/json")
            results.append(response)
        return results

    return async_to_sync(run)()


def test_a_created_api_is_called_with_an_internal_key_and_the_proof(
    personas, acme_api, gateway, settings
):
    api = deployed(acme_api, personas.creator)
    assert api.lifecycle_state == LifecycleState.CREATED
    responses = call(personas.creator, api, times=2)
    assert [r.status_code for r in responses] == [200, 200]
    first, second = gateway
    key = first.headers["authorization"].removeprefix("Bearer ")
    assert second.headers["authorization"] == first.headers["authorization"]  # reused
    assert first.headers[CONSOLE_PROOF_HEADER] == console_proof(settings.TOLLGATE_KEY_PEPPER, key)
    stored = ApiKey.objects.get(digest=hash_key(key))
    assert stored.console_api == api and stored.is_test_key and stored.expires_at
    assert stored.application.owner == personas.creator
    assert ApiKey.objects.filter(console_api=api).count() == 1


def test_the_page_never_shows_the_key(client_as, personas, acme_api, gateway):
    api = deployed(acme_api, personas.creator)
    call(personas.publisher, api)
    [sent] = gateway
    key = sent.headers["authorization"].removeprefix("Bearer ")
    page = client_as("publisher").get(reverse("publisher:test", args=[api.uuid]))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Create chat completion" in content and key not in content


def test_an_undeployed_or_blocked_api_is_not_called(client_as, personas, acme_api, gateway):
    page = client_as("creator").get(reverse("publisher:test", args=[acme_api.uuid]))
    assert "Deploy a revision first" in page.content.decode()
    assert call(personas.creator, acme_api)[0].status_code == 409
    api = deployed(acme_api, personas.creator)
    lifecycle.change_lifecycle(api=api, to_state="PUBLISHED", actor=personas.publisher)
    lifecycle.change_lifecycle(api=api, to_state="BLOCKED", actor=personas.publisher)
    assert call(personas.creator, api)[0].status_code == 409
    assert gateway == []


def test_subscribers_and_other_tenants_get_nothing(personas, acme_api, globex_api, gateway):
    api = deployed(acme_api, personas.creator)
    assert call(personas.subscriber, api)[0].status_code == 403
    assert call(personas.outsider, api)[0].status_code in (403, 404)
    assert gateway == []
