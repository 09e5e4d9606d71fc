"""Who may open and change what in the publisher portal, as one table (pretix style)."""

from __future__ import annotations

import pytest
from django.urls import get_resolver, reverse

from publisher import urls as publisher_urls

API_PAGES = (
    "overview",
    "endpoints",
    "policies",
    "gateway",
    "ai-policies",
    "deploy",
    "lifecycle",
    "subscriptions",
    "analytics",
    "test",
)
# The Test console's relay answers in JSON (403, not a sign-in redirect): test_console.py.
RELAYS = {"test-relay"}
# Post-only actions on an API: POST_ROWS below.
API_ACTIONS = ("new-version", "default-version")
SETTINGS_PAGES = ("members", "plans", "environments", "vendors", "vendor-create")
ANY_API_VIEWER = {"admin": 200, "creator": 200, "publisher": 200, "subscriber": 403}
ADMIN_ONLY = {"admin": 200, "creator": 403, "publisher": 403, "subscriber": 403}
CREATOR_ONLY = {"admin": 200, "creator": 200, "publisher": 403, "subscriber": 403}
CREATOR_REDIRECTED = {"admin": 302, "creator": 302, "publisher": 403, "subscriber": 403}
KNOWLEDGE_PAGES = ("collection", "collection-documents", "collection-search", "collection-attach")
KNOWLEDGE_ACTIONS = ("document-delete", "collection-delete")

GET_ROWS = [
    ("index", ANY_API_VIEWER),
    ("create", CREATOR_ONLY),
    ("create-details", CREATOR_ONLY),
    *[(page, ANY_API_VIEWER) for page in API_PAGES],
    *[(page, ADMIN_ONLY) for page in SETTINGS_PAGES],
    ("plan-edit", ADMIN_ONLY),
    ("environment-edit", ADMIN_ONLY),
    ("vendor-edit", ADMIN_ONLY),
    ("targets", {"admin": 302, "creator": 302, "publisher": 302, "subscriber": 403}),
    ("collections", ANY_API_VIEWER),
    *[(page, ANY_API_VIEWER) for page in KNOWLEDGE_PAGES if page != "collection-attach"],
    ("collection-attach", CREATOR_ONLY),
    *[(page, CREATOR_REDIRECTED) for page in KNOWLEDGE_ACTIONS],  # a GET only redirects
    ("ai-policy", ANY_API_VIEWER),
    ("costs", {"admin": 200, "creator": 403, "publisher": 200, "subscriber": 403}),
    ("budget-delete", {"admin": 405, "creator": 403, "publisher": 405, "subscriber": 403}),
]

# (page, form data, expected status per role); 302 = done and redirected back.
POST_ROWS = [
    ("new-version", {"version": "9.0.0"}, {"creator": 302, "publisher": 403, "subscriber": 403}),
    ("default-version", {}, {"creator": 302, "publisher": 403, "subscriber": 403}),
    (
        "endpoints",
        {"kind": "production", "production-url": "http://127.0.0.1:9/v2"},
        {"creator": 302, "publisher": 403, "subscriber": 403},
    ),
    (
        "targets",
        {
            "action": "save",
            "target-kind": "production",
            "target-name": "backup",
            "target-url": "http://127.0.0.1:9/v3",
            "target-weight": 1,
            "target-priority": 1,
        },
        {"creator": 302, "publisher": 403, "subscriber": 403},
    ),  # fmt: skip
    (
        "policies",
        {"production_unit_seconds": 60, "sandbox_unit_seconds": 60},
        {"creator": 302, "publisher": 403, "subscriber": 403},
    ),
    (
        "gateway",
        {"api_type": "unified", "system_prompt": "Be brief."},
        {"creator": 302, "publisher": 403, "subscriber": 403},
    ),
    ("ai-policy", {"action": "up"}, {"creator": 302, "publisher": 403, "subscriber": 403}),
    ("deploy", {"action": "create"}, {"creator": 302, "publisher": 302, "subscriber": 403}),
    ("lifecycle", {"to_state": "PUBLISHED"}, {"creator": 403, "publisher": 302, "subscriber": 403}),
    (
        "subscriptions",
        {"subscription": 0, "status": "BLOCKED"},
        {"creator": 403, "publisher": 404, "subscriber": 403},
    ),
    (
        "members",
        {"action": "invite", "email": "x@acme.test", "roles": ["subscriber"]},
        {"creator": 403, "publisher": 403, "subscriber": 403},
    ),
    (
        "plans",
        {"name": "Team", "unit_seconds": 60},
        {"creator": 403, "publisher": 403, "admin": 302},
    ),
    (
        "environments",
        {"slug": "eu", "name": "EU"},
        {"creator": 403, "publisher": 403, "admin": 302},
    ),
    (
        "vendor-create",
        {
            "name": "Echo",
            "version": "v1",
            "base_url": "http://127.0.0.1:9/v1",
            "auth_scheme": "none",
            "api_definition_text": '{"openapi": "3.0.3", "paths": {"/chat": {"post": {}}}}',
        },
        {"creator": 403, "publisher": 403, "subscriber": 403, "admin": 302},
    ),
    (
        "costs",
        {
            "name": "Daily",
            "scope": "tenant",
            "amount": "5",
            "currency": "USD",
            "period": "day",
            "action": "refuse",
            "thresholds": "50, 80",
        },
        {"creator": 403, "subscriber": 403, "publisher": 302},
    ),
    ("budget-delete", {}, {"creator": 403, "subscriber": 403, "publisher": 302}),
    (
        "vendor-edit",
        {"action": "delete"},
        {"creator": 403, "publisher": 403, "subscriber": 403, "admin": 302},
    ),
    (
        "collections",
        {"slug": "new-one", "name": "New one"},
        {"creator": 302, "publisher": 403, "subscriber": 403},
    ),
]


def custom_vendor(personas):
    """The tenant's custom vendor (made on first use: the delete row removes it)."""
    from core.services.vendors import create_custom_vendor

    found = personas.tenant.vendors.first()
    return found or create_custom_vendor(
        tenant=personas.tenant,
        actor=personas.admin,
        name="Echo",
        version="v1",
        base_url="http://127.0.0.1:9/v1",
        auth_scheme="none",
        api_definition={"openapi": "3.0.3", "paths": {"/chat": {"post": {}}}},
    )


def knowledge_url(name: str, personas) -> str:
    from core.knowledge.services import add_document, create_collection
    from core.models import Collection

    collection = Collection.objects.filter(tenant=personas.tenant, slug="faq").first()
    if collection is None:
        collection = create_collection(tenant=personas.tenant, actor=None, slug="faq", name="FAQ")
        add_document(collection=collection, actor=None, source=b"Hi.", media_type="text")
    if name == "document-delete":
        return reverse(f"publisher:{name}", args=["faq", collection.documents.first().pk])
    return reverse(f"publisher:{name}", args=["faq"])


def a_policy(api, personas):
    from core.services.policies import add_policy

    found = api.policies.first()
    return found or add_policy(
        api=api, actor=personas.creator, kind="word_count_guard", parameters={"max": 9}
    )


def a_budget(personas):
    from decimal import Decimal

    from core.costs.services import save_budget

    return save_budget(
        tenant=personas.tenant, actor=personas.admin, name="Monthly", scope="tenant",
        amount=Decimal("10"), period="month",
    )  # fmt: skip


def url_for(name: str, api, personas) -> str:
    if name in API_PAGES or name in API_ACTIONS or name == "targets":
        return reverse(f"publisher:{name}", kwargs={"api_uuid": api.uuid})
    if name == "create-details":
        return reverse("publisher:create-details") + f"?vendor_version={api.vendor_version_id}"
    if name == "plan-edit":
        return reverse("publisher:plan-edit", args=[personas.tenant.plans.first().pk])
    if name == "environment-edit":
        return reverse("publisher:environment-edit", args=["default"])
    if name == "ai-policy":
        return reverse("publisher:ai-policy", args=[api.uuid, a_policy(api, personas).pk])
    if name == "budget-delete":
        return reverse("publisher:budget-delete", args=[a_budget(personas).pk])
    if name == "vendor-edit":
        return reverse("publisher:vendor-edit", args=[custom_vendor(personas).pk])
    if name in KNOWLEDGE_PAGES or name in KNOWLEDGE_ACTIONS:
        return knowledge_url(name, personas)
    return reverse(f"publisher:{name}")


@pytest.mark.parametrize(("name", "expected"), GET_ROWS, ids=[row[0] for row in GET_ROWS])
def test_get_permissions(name, expected, client_as, acme_api, personas):
    url = url_for(name, acme_api, personas)
    for role, status in expected.items():
        assert client_as(role).get(url).status_code == status, (role, url)


@pytest.mark.parametrize(("name", "data", "expected"), POST_ROWS, ids=[row[0] for row in POST_ROWS])
def test_post_permissions(name, data, expected, client_as, acme_api, personas):
    url = url_for(name, acme_api, personas)
    for role, status in expected.items():
        assert client_as(role).post(url, data).status_code == status, (role, url)


def test_anonymous_is_sent_to_sign_in(client, acme_api, personas):
    for name, _ in GET_ROWS:
        response = client.get(url_for(name, acme_api, personas))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_every_publisher_page_has_a_row():
    names = {p.name for p in get_resolver(publisher_urls).url_patterns if getattr(p, "name", None)}
    names |= {p.name for p in publisher_urls.api_pages}
    covered = {row[0] for row in GET_ROWS} | RELAYS | set(API_ACTIONS)
    assert names == covered


def test_forbidden_page_names_the_missing_role(client_as):
    response = client_as("publisher").get(reverse("publisher:create"))
    assert response.status_code == 403
    assert b"creator" in response.content
