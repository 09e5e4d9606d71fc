"""Who may open which portal page, as one table (pretix style); every route needs its row.

Personas: anonymous; `subscriber` (owns the objects); `admin` of the same tenant (may use the
portal, but the applications are not theirs); `creator` (no subscriber role); `outsider`
(admin of another tenant). Another tenant's or another user's object answers 404.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from core.services import access

pytestmark = pytest.mark.django_db

# Covered by tests/devportal/test_tryout.py (an async view answering with a stream).
TESTED_ELSEWHERE = {"tryout-relay"}


@dataclass(frozen=True)
class Row:
    name: str
    method: str
    anonymous: int
    subscriber: int
    admin: int
    creator: int
    outsider: int


LOGIN = 302
TABLE = [
    Row("index", "get", 200, 200, 200, 200, 200),
    Row("api-detail", "get", 200, 200, 200, 200, 404),
    Row("tryout", "get", 200, 200, 200, 200, 404),
    Row("test-key", "post", LOGIN, 200, 200, 403, 404),
    Row("subscribe", "post", LOGIN, 200, 200, 403, 404),
    Row("unsubscribe", "post", LOGIN, 302, 404, 403, 404),
    Row("applications", "get", LOGIN, 200, 200, 403, 200),
    Row("application-create", "get", LOGIN, 200, 200, 403, 200),
    Row("application", "get", LOGIN, 200, 404, 403, 404),
    Row("application-edit", "get", LOGIN, 200, 404, 403, 404),
    Row("application-delete", "get", LOGIN, 200, 404, 403, 404),
    Row("application-usage", "get", LOGIN, 200, 404, 403, 404),
    Row("key-generate", "post", LOGIN, 200, 404, 403, 404),
    Row("key-revoke", "post", LOGIN, 302, 404, 403, 404),
    Row("key-regenerate", "post", LOGIN, 200, 404, 403, 404),
]


@pytest.fixture
def objects(personas, catalog):
    app = access.create_application(tenant=personas.tenant, owner=personas.subscriber, name="Mine")
    sub = access.subscribe(
        app=app, api=catalog.published, plan=personas.tenant.plans.get(name="Gold"), actor=app.owner
    )
    key, _ = access.generate_key(app=app, key_type="production", actor=app.owner)
    api = catalog.published.uuid
    return {
        "index": [],
        "applications": [],
        "application-create": [],
        "api-detail": [api],
        "tryout": [api],
        "test-key": [api],
        "subscribe": [api],
        "unsubscribe": [sub.pk],
        "application": [app.pk],
        "application-edit": [app.pk],
        "application-delete": [app.pk],
        "application-usage": [app.pk],
        "key-generate": [app.pk, "sandbox"],
        "key-revoke": [app.pk, key.pk],
        "key-regenerate": [app.pk, key.pk],
    }


def client_for(persona: str, personas) -> Client:
    client = Client()
    if persona != "anonymous":
        client.force_login(getattr(personas, persona))
    return client


@pytest.mark.parametrize("persona", ["anonymous", "subscriber", "admin", "creator", "outsider"])
@pytest.mark.parametrize("row", TABLE, ids=[row.name for row in TABLE])
def test_permission_table(row, persona, personas, objects, settings):
    settings.DEFAULT_TENANT = "acme"
    url = reverse(f"devportal:{row.name}", args=objects[row.name])
    data = {"key_type": "production"} if row.name == "test-key" else {}
    response = getattr(client_for(persona, personas), row.method)(url, data)
    assert response.status_code == getattr(row, persona), (row.name, persona)
    if response.status_code == LOGIN and persona == "anonymous":
        assert response.url.startswith(reverse("login"))


def test_every_route_has_a_row():
    resolver = get_resolver()
    names = {name.split(":", 1)[1] for name in _names(resolver) if name.startswith("devportal:")}
    assert names == {row.name for row in TABLE} | TESTED_ELSEWHERE


def _names(resolver, namespace: str = ""):
    for pattern in resolver.url_patterns:
        if hasattr(pattern, "url_patterns"):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern, inner)
        elif pattern.name:
            yield f"{namespace}{pattern.name}"
