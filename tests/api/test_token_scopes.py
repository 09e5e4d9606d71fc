"""Personal access tokens reach one tenant, with a subset of the user's roles, read-only or
read-write, until they expire (90 days unless told); a token cannot manage tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.api.auth import create_token
from core.errors import InvalidInput
from core.models import AiApi, PersonalAccessToken
from core.services.tenants import add_member, change_roles

TOKENS = reverse("api:me-tokens")
NEW_API = {"name": "T", "context": "t1", "version": "1", "vendor": "openai"}


def apis(slug: str = "acme") -> str:
    return f"/api/v1/tenants/{slug}/apis/"


def bearer(token: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.fixture
def two_tenant_creator(personas):
    """creator1 is also a creator and subscriber of globex."""
    add_member(
        tenant=personas.outsider_tenant,
        user=personas.creator,
        roles=["creator", "subscriber"],
        actor=None,
    )
    return personas.creator


def test_default_expiry_is_ninety_days_and_shown(personas, client_for) -> None:
    created = client_for(personas.creator).post(TOKENS, {"name": "ci"}, format="json").json()
    expires = PersonalAccessToken.objects.get(pk=created["id"]).expires_at
    assert timedelta(days=89, hours=23) < expires - timezone.now() <= timedelta(days=90)
    assert created["expires_at"] and created["access"] == "read"
    assert created["tenant"] == "acme" and created["roles"] == ["creator"]
    listed = client_for(personas.creator).get(TOKENS).json()["results"][0]
    assert listed["expires_at"] == created["expires_at"] and listed["last_used_at"] is None


@pytest.mark.parametrize(
    ("expires_at", "message"),
    [("2000-01-01T00:00:00Z", "Must be in the future."), ("2999-01-01T00:00:00Z", "365 days")],
)
def test_expiry_must_be_within_a_year(personas, client_for, expires_at, message) -> None:
    body = {"name": "x", "expires_at": expires_at}
    response = client_for(personas.creator).post(TOKENS, body, format="json")
    assert response.status_code == 400
    assert message in response.json()["error"]["fields"]["expires_at"][0]


def test_expired_token_is_refused(personas) -> None:
    token, plaintext = create_token(user=personas.creator, name="ci", access="read")
    assert bearer(plaintext).get(apis()).status_code == 200
    PersonalAccessToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    refused = bearer(plaintext).get(apis())
    assert refused.status_code == 401 and "expired" in refused.json()["error"]["message"]


def test_read_only_token_is_refused_on_a_write(personas) -> None:
    _, read_only = create_token(user=personas.creator, name="ro", access="read")
    assert bearer(read_only).get(apis()).status_code == 200
    refused = bearer(read_only).post(apis(), NEW_API, format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"] == "This token is read-only."
    assert not AiApi.objects.filter(name="T").exists()
    _, read_write = create_token(user=personas.creator, name="rw", access="write")
    assert bearer(read_write).post(apis(), NEW_API, format="json").status_code == 201


def test_a_token_reaches_only_its_tenant(two_tenant_creator, personas) -> None:
    _, acme_only = create_token(
        user=two_tenant_creator, name="acme", access="write", tenant=personas.tenant
    )
    assert bearer(acme_only).get(apis("acme")).status_code == 200
    assert bearer(acme_only).get(apis("globex")).status_code == 404
    assert bearer(acme_only).get(reverse("api:tenants")).json()["count"] == 1
    me = bearer(acme_only).get(reverse("api:me")).json()
    assert [tenant["slug"] for tenant in me["tenants"]] == ["acme"]


def test_a_member_of_several_tenants_must_name_one(two_tenant_creator, client_for) -> None:
    response = client_for(two_tenant_creator).post(TOKENS, {"name": "x"}, format="json")
    assert response.status_code == 400 and "tenant" in response.json()["error"]["fields"]
    named = client_for(two_tenant_creator).post(
        TOKENS, {"name": "x", "tenant": "globex"}, format="json"
    )
    assert named.status_code == 201 and named.json()["tenant"] == "globex"
    stranger = client_for(two_tenant_creator).post(
        TOKENS, {"name": "x", "tenant": "nowhere"}, format="json"
    )
    assert stranger.status_code == 400


def test_roles_are_a_subset_of_the_users(two_tenant_creator, personas, client_for) -> None:
    _, developer_only = create_token(
        user=two_tenant_creator,
        name="dev",
        access="read",
        tenant=personas.outsider_tenant,
        roles=["subscriber"],
    )
    assert bearer(developer_only).get(apis("globex")).status_code == 403
    assert bearer(developer_only).get("/api/v1/tenants/globex/catalog/").status_code == 200
    more = client_for(personas.creator).post(
        TOKENS, {"name": "x", "tenant": "acme", "roles": ["admin"]}, format="json"
    )
    assert more.status_code == 400 and "roles" in more.json()["error"]["fields"]
    with pytest.raises(InvalidInput):
        create_token(user=personas.creator, name="x", access="read", roles=["publisher"])


def test_a_role_the_member_loses_is_gone_from_the_token(personas) -> None:
    _, plaintext = create_token(user=personas.creator, name="ci", access="read")
    assert bearer(plaintext).get(apis()).status_code == 200
    membership = personas.tenant.memberships.get(user=personas.creator)
    change_roles(membership=membership, roles=["subscriber"], actor=personas.admin)
    assert bearer(plaintext).get(apis()).status_code == 403


def test_a_token_cannot_manage_tokens(personas) -> None:
    token, plaintext = create_token(user=personas.creator, name="ci", access="write")
    script = bearer(plaintext)
    created = script.post(TOKENS, {"name": "more", "access": "write"}, format="json")
    assert created.status_code == 403
    assert "signed-in session" in created.json()["error"]["message"]
    assert script.get(TOKENS).status_code == 403
    detail = reverse("api:me-token", kwargs={"token_id": token.pk})
    assert script.delete(detail).status_code == 403
    assert PersonalAccessToken.objects.filter(user=personas.creator).count() == 1


def test_last_use_is_recorded_at_most_once_a_minute(personas) -> None:
    token, plaintext = create_token(user=personas.creator, name="ci", access="read")
    bearer(plaintext).get(apis())
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    bearer(plaintext).get(apis())
    token.refresh_from_db()
    assert token.last_used_at == first
    PersonalAccessToken.objects.filter(pk=token.pk).update(
        last_used_at=first - timedelta(minutes=2)
    )
    bearer(plaintext).get(apis())
    token.refresh_from_db()
    assert token.last_used_at > first
