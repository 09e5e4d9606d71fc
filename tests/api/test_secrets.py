"""Secrets stay secret: application keys and access tokens are shown once and stored only as
HMACs; a provider key never appears in a response, a log line, the audit log or the database
in plaintext."""

from __future__ import annotations

import json
import logging

import pytest
from django.apps import apps
from django.core import serializers
from django.db import connection
from django.urls import reverse

from core.api.auth import PAT_PREFIX
from core.models import ApiKey, AuditLog, Endpoint, PersonalAccessToken
from core.registry.compiler import deployment_key_of
from core.registry.store import get_store
from core.secrets import hash_key, key_ring
from proxy.contract import DEPLOYMENT, DeploymentSnapshot

CANARY = "sk-CANARY-7f3a9c1e-never-show-me"


def database_dump() -> str:
    """Every row of every table, as text."""
    tables = set(connection.introspection.table_names())
    return "".join(
        serializers.serialize("json", model._default_manager.all())
        for model in apps.get_models()
        if model._meta.db_table in tables
    )


def url(name: str, tenant: str = "acme", **kwargs) -> str:
    return reverse(f"api:{name}", kwargs={"tenant_slug": tenant, **kwargs})


# Application keys


@pytest.fixture
def app_id(personas, client_for) -> int:
    response = client_for(personas.subscriber).post(url("applications"), {"name": "A"})
    return response.json()["id"]


def test_key_plaintext_only_in_the_create_response(personas, client_for, app_id) -> None:
    client = client_for(personas.subscriber)
    created = client.post(url("application-keys", app_id=app_id), {"key_type": "sandbox"})
    assert created.status_code == 201
    plaintext = created.json()["key"]
    assert plaintext.startswith("tg_s_") and len(plaintext) == 5 + 12 + 32
    assert plaintext.startswith(created.json()["prefix"])

    row = ApiKey.objects.get(pk=created.json()["id"])
    assert row.digest == hash_key(plaintext)
    assert plaintext not in json.dumps(list(ApiKey.objects.filter(pk=row.pk).values()), default=str)
    assert plaintext not in database_dump()

    listed = client.get(url("application-keys", app_id=app_id))
    detail = client.get(url("application-key", app_id=app_id, key_id=row.pk))
    for response in (listed, detail):
        assert response.status_code == 200
        text = response.content.decode()
        assert plaintext not in text and row.digest not in text and row.lookup not in text
    assert "key" not in detail.json()


def test_regenerate_shows_the_new_key_once_and_revokes_the_old(personas, client_for, app_id):
    client = client_for(personas.subscriber)
    first = client.post(url("application-keys", app_id=app_id), {"key_type": "production"}).json()
    second = client.post(
        url("application-key-regenerate", app_id=app_id, key_id=first["id"])
    ).json()
    assert second["key"] != first["key"] and second["key"].startswith("tg_p_")
    assert ApiKey.objects.get(pk=first["id"]).revoked_at is not None
    assert ApiKey.objects.get(pk=second["id"]).digest == hash_key(second["key"])
    listing = client.get(url("application-keys", app_id=app_id)).content.decode()
    assert first["key"] not in listing and second["key"] not in listing


def test_revoked_key_stays_listed_as_inactive(personas, client_for, app_id) -> None:
    client = client_for(personas.subscriber)
    key = client.post(url("application-keys", app_id=app_id), {"key_type": "production"}).json()
    assert client.delete(url("application-key", app_id=app_id, key_id=key["id"])).status_code == 204
    detail = client.get(url("application-key", app_id=app_id, key_id=key["id"])).json()
    assert detail["is_active"] is False and detail["revoked_at"]


# Personal access tokens


def test_token_plaintext_only_in_the_create_response(personas, client_for) -> None:
    client = client_for(personas.creator)
    created = client.post(reverse("api:me-tokens"), {"name": "ci"})
    assert created.status_code == 201
    plaintext = created.json()["token"]
    assert plaintext.startswith(PAT_PREFIX) and plaintext.startswith(created.json()["prefix"])
    row = PersonalAccessToken.objects.get(pk=created.json()["id"])
    assert row.digest == hash_key(plaintext)
    assert plaintext not in database_dump()
    for response in (
        client.get(reverse("api:me-tokens")),
        client.get(reverse("api:me-token", kwargs={"token_id": row.pk})),
    ):
        assert plaintext not in response.content.decode()
        assert row.digest not in response.content.decode()


def test_token_authenticates_until_revoked(personas, client_for) -> None:
    from rest_framework.test import APIClient

    session = client_for(personas.creator)
    plaintext = session.post(reverse("api:me-tokens"), {"name": "ci"}).json()
    script = APIClient(HTTP_AUTHORIZATION=f"Bearer {plaintext['token']}")
    assert script.get(reverse("api:me")).json()["username"] == "creator1"
    revoke = session.delete(reverse("api:me-token", kwargs={"token_id": plaintext["id"]}))
    assert revoke.status_code == 204
    refused = script.get(reverse("api:me"))
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "not_authenticated"


# Provider keys: the canary


@pytest.fixture
def everything_logged(caplog):
    """Every logger at DEBUG, SQL statements included (with their parameters)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="django.db.backends")
    connection.force_debug_cursor = True
    yield caplog
    connection.force_debug_cursor = False


def canary_flow(personas, client_for) -> list:
    """Create, configure, publish and deploy an API carrying the canary; read everything."""
    creator, publisher = client_for(personas.creator), client_for(personas.publisher)
    responses = [
        creator.post(
            url("apis"),
            {"name": "Canary", "context": "canary", "version": "1", "vendor": "openai"},
            format="json",
        )
    ]
    api_id = responses[0].json()["id"]
    for kind in ("production", "sandbox"):
        responses.append(
            creator.patch(
                url("api-endpoint", api_id=api_id, kind=kind), {"api_key": CANARY}, format="json"
            )
        )
    # Refused writes must not echo the key either.
    responses += [
        creator.patch(
            url("api-endpoint", api_id=api_id, kind="production"),
            {"api_key": CANARY, "clear_api_key": True},
            format="json",
        ),
        creator.patch(
            url("api-endpoint", api_id=api_id, kind="production"),
            {"api_key": CANARY, "url": "ftp://x"},
            format="json",
        ),
        creator.patch(
            url("api-endpoint", api_id=api_id, kind="production"),
            {"api_key": CANARY * 200},
            format="json",
        ),
        creator.post(url("apis"), {"name": CANARY[:5], "api_key": CANARY}, format="json"),
    ]
    responses.append(publisher.post(url("api-lifecycle", api_id=api_id), {"state": "PUBLISHED"}))
    responses.append(publisher.post(url("api-revisions", api_id=api_id), {}))
    responses.append(publisher.post(url("api-deployments", api_id=api_id), {"revision": 1}))
    for name, kwargs in [
        ("apis", {}),
        ("api", {"api_id": api_id}),
        ("api-endpoints", {"api_id": api_id}),
        ("api-endpoint", {"api_id": api_id, "kind": "production"}),
        ("api-revisions", {"api_id": api_id}),
        ("api-revision", {"api_id": api_id, "number": 1}),
        ("api-deployments", {"api_id": api_id}),
        ("api-lifecycle", {"api_id": api_id}),
    ]:
        responses.append(publisher.get(url(name, **kwargs)))
    subscriber = client_for(personas.subscriber)
    responses += [subscriber.get(url("catalog")), subscriber.get(url("catalog-api", api_id=api_id))]
    responses.append(client_for(personas.admin).get(url("audit")))
    return responses


def test_provider_key_never_in_a_response_log_or_the_audit_log(
    personas, client_for, everything_logged, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        responses = canary_flow(personas, client_for)

    assert [r.status_code for r in responses[:3]] == [201, 200, 200]
    assert [r.status_code for r in responses[3:7]] == [400, 400, 400, 400]
    assert all(r.status_code < 300 for r in responses[7:]), [r.status_code for r in responses]
    for response in responses:
        assert CANARY not in response.content.decode()
        assert CANARY[:12] not in response.content.decode()
    endpoint = responses[1].json()
    assert endpoint["has_api_key"] is True and "api_key" not in endpoint

    assert any("INSERT" in r.getMessage() for r in everything_logged.records), "SQL not logged"
    for record in everything_logged.records:
        assert CANARY not in record.getMessage()
    assert CANARY not in everything_logged.text

    assert CANARY not in json.dumps(list(AuditLog.objects.values()), default=str)
    assert CANARY not in database_dump()

    stored = Endpoint.objects.get(api__name="Canary", kind="production").credential_encrypted
    assert key_ring().decrypt(stored) == CANARY
    deployment = Endpoint.objects.get(api__name="Canary", kind="production").api.deployments.get()
    snapshot_body = get_store().get(DEPLOYMENT, deployment_key_of(deployment))
    assert CANARY.encode() not in snapshot_body
    snapshot = DeploymentSnapshot.from_json(snapshot_body)
    assert key_ring().decrypt(snapshot.production.credential) == CANARY


def test_clear_api_key(personas, client_for) -> None:
    creator = client_for(personas.creator)
    api_id = creator.post(
        url("apis"),
        {"name": "C", "context": "c", "version": "1", "vendor": "mistral"},
        format="json",
    ).json()["id"]
    endpoint = url("api-endpoint", api_id=api_id, kind="sandbox")
    assert creator.get(endpoint).json()["has_api_key"] is False
    assert creator.patch(endpoint, {"api_key": CANARY}, format="json").json()["has_api_key"]
    cleared = creator.patch(endpoint, {"clear_api_key": True}, format="json")
    assert cleared.status_code == 200 and cleared.json()["has_api_key"] is False
    assert Endpoint.objects.get(api_id=api_id, kind="sandbox").credential_encrypted == ""
    audit = AuditLog.objects.filter(action="endpoint.update", object_id=str(api_id))
    assert [a.changes["credential_state"] for a in audit] == ["cleared", "replaced"]
