"""Session and token authentication, the OpenAPI schema, and the offline docs page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.api.auth import create_token
from core.models import PersonalAccessToken

APIS = "/api/v1/tenants/acme/apis/"


def bearer(token: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_token_authenticates_and_records_its_use(personas) -> None:
    token, plaintext = create_token(user=personas.creator, name="ci", access="write")
    assert bearer(plaintext).get(APIS).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # right lookup, wrong secret
        lambda t: "tgpat_" + "x" * 48,  # unknown lookup
    ],
)
def test_wrong_tokens_are_refused(personas, mangle) -> None:
    _, plaintext = create_token(user=personas.creator, name="ci", access="write")
    response = bearer(mangle(plaintext)).get(APIS)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_expired_token_and_inactive_user_are_refused(personas) -> None:
    token, plaintext = create_token(user=personas.creator, name="ci", access="write")
    PersonalAccessToken.objects.filter(pk=token.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert bearer(plaintext).get(APIS).status_code == 401
    _, fresh = create_token(user=personas.creator, name="ci2", access="write")
    personas.creator.is_active = False
    personas.creator.save()
    assert bearer(fresh).get(APIS).status_code == 401


def test_token_with_past_expiry_cannot_be_created(personas, client_for) -> None:
    response = client_for(personas.creator).post(
        reverse("api:me-tokens"), {"name": "x", "expires_at": "2000-01-01T00:00:00Z"}
    )
    assert response.status_code == 400
    assert "expires_at" in response.json()["error"]["fields"]


def test_session_writes_need_the_csrf_token(personas) -> None:
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(personas.creator)
    assert client.get(APIS).status_code == 200
    body = {"name": "S", "context": "s", "version": "1", "vendor": "openai"}
    refused = client.post(APIS, body, format="json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["error"]["message"]


def test_token_writes_need_no_csrf_token(personas) -> None:
    _, plaintext = create_token(user=personas.creator, name="ci", access="write")
    body = {"name": "T", "context": "t1", "version": "1", "vendor": "openai"}
    assert bearer(plaintext).post(APIS, body, format="json").status_code == 201


def test_me_and_tenants(personas, client_for) -> None:
    from core.services.tenants import add_member

    add_member(
        tenant=personas.outsider_tenant, user=personas.creator, roles=["subscriber"], actor=None
    )
    client = client_for(personas.creator)
    me = client.get(reverse("api:me")).json()
    assert me["username"] == "creator1"
    assert me["tenants"] == [
        {"slug": "acme", "name": "Acme", "roles": ["creator"]},
        {"slug": "globex", "name": "Globex", "roles": ["subscriber"]},
    ]
    assert client.get(reverse("api:tenants")).json()["count"] == 2
    detail = client.get(reverse("api:tenant", kwargs={"tenant_slug": "acme"})).json()
    assert detail["permissions"] == [
        "api.analytics",
        "api.create",
        "api.delete",
        "api.revision",
        "api.update",
        "api.view",
        "catalog.view",
        "knowledge.manage",
        "knowledge.view",
    ]


def test_schema_is_valid_openapi_without_warnings() -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_schema_endpoint(db, client_for) -> None:
    schema = client_for(None).get(reverse("api:schema"), {"format": "json"}).json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/tenants/{tenant_slug}/apis/{api_id}/lifecycle/" in schema["paths"]
    assert "personalAccessToken" in schema["components"]["securitySchemes"]
    endpoint_input = schema["components"]["schemas"]["PatchedEndpointInputRequest"]
    assert endpoint_input["properties"]["api_key"]["writeOnly"] is True
    assert "api_key" not in schema["components"]["schemas"]["Endpoint"]["properties"]


def test_docs_page_loads_nothing_from_a_cdn(db, client_for) -> None:
    client = client_for(None)
    page = client.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    for cdn in ("cdn.", "jsdelivr", "unpkg", "cdnjs", "googleapis"):
        assert cdn not in html
    bundle = "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    assert bundle in html
    asset = client.get(bundle)
    assert asset.status_code == 200
    asset.close()
