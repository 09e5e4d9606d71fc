"""The permission matrix of the REST API (pretix's test_permissions.py, as a table).

One row per (method, route): the status each role gets in its own tenant. From it the tests
derive the rest: a non-member (the other tenant's admin) gets 404 for every tenant route,
anonymous callers get 401, a tenant the caller does not belong to answers 404, and an object id
of another tenant inside one's own tenant URL answers 404 to every role allowed there. The last
test fails when a route under /api/v1/ has no row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.models import AuditLog
from tests.api.conftest import MINIMAL_OPENAPI, World

ROLES = ("admin", "creator", "publisher", "subscriber")


def NO_OBJECT(world: World) -> dict:  # noqa: N802 - a sentinel, compared by identity
    return {}


@dataclass(frozen=True)
class Row:
    method: str
    name: str
    expect: dict[str, int]  # admin, creator, publisher, subscriber (+ outsider for /me routes)
    kwargs: Callable[[World], dict] = NO_OBJECT
    body: Callable[[World], dict] | None = None
    tenant_scoped: bool = True
    public: bool = False
    audited: bool = True  # signing in and out change nothing to audit (failures: core.signin)

    @property
    def id(self) -> str:
        return f"{self.method} {self.name}"


def grant(ok: int, *roles: str, denied: int = 403) -> dict[str, int]:
    """`ok` for admin and the listed roles, `denied` for the others."""
    return {role: ok if role in ("admin", *roles) else denied for role in ROLES}


def everyone(ok: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, ok)


def developer_own(ok: int) -> dict[str, int]:
    """Applications are the caller's own: the admin may use the developer portal but the
    developer's application is not theirs (404)."""
    return {"admin": 404, "creator": 403, "publisher": 403, "subscriber": ok}


API = lambda w: {"api_id": w.api.pk}  # noqa: E731
BACKUP = lambda w: {"api_id": w.other_api.pk, "kind": "production", "name": "backup"}  # noqa: E731
DRAFT = lambda w: {"api_id": w.draft_api.pk}  # noqa: E731
APP = lambda w: {"app_id": w.app.pk}  # noqa: E731
KEY = lambda w: {"app_id": w.app.pk, "key_id": w.key.pk}  # noqa: E731
VENDOR = lambda w: {"vendor_id": w.vendor.pk}  # noqa: E731
COLLECTION = lambda w: {"collection_slug": w.collection.slug}  # noqa: E731
DOCUMENT = lambda w: {"collection_slug": w.collection.slug, "document_id": w.document.pk}  # noqa: E731
POLICY = lambda w: {"api_id": w.api.pk, "policy_id": w.policy.pk}  # noqa: E731
PRICE = lambda w: {"price_id": w.price.pk}  # noqa: E731
BUDGET = lambda w: {"budget_id": w.budget.pk}  # noqa: E731

# fmt: off
ROWS: list[Row] = [
    # The caller
    Row("GET", "schema", {**everyone(200), "outsider": 200}, tenant_scoped=False, public=True),
    Row("GET", "docs", {**everyone(200), "outsider": 200}, tenant_scoped=False, public=True),
    # Session sign-in: anyone may look and try; wrong credentials are 401 for everyone.
    Row("GET", "session", {**everyone(200), "outsider": 200}, tenant_scoped=False, public=True),
    Row("POST", "session", {**everyone(401), "outsider": 401}, tenant_scoped=False,
        body=lambda w: {"username": "nobody", "password": "wrong-password"}, audited=False),
    Row("DELETE", "session", {**everyone(204), "outsider": 204}, tenant_scoped=False,
        audited=False),
    Row("POST", "auth-token", {**everyone(401), "outsider": 401}, tenant_scoped=False,
        body=lambda w: {"username": "nobody", "password": "wrong-password", "name": "ci"},
        audited=False),
    Row("GET", "me", {**everyone(200), "outsider": 200}, tenant_scoped=False),
    Row("GET", "tenants", {**everyone(200), "outsider": 200}, tenant_scoped=False),
    Row("GET", "me-tokens", {**everyone(200), "outsider": 200}, tenant_scoped=False),
    Row("POST", "me-tokens", {**everyone(201), "outsider": 201}, tenant_scoped=False,
        body=lambda w: {"name": "ci"}),
    # Tokens are the caller's own: the developer's token is not found for anyone else.
    Row("GET", "me-token", {**developer_own(200), "admin": 404, "creator": 404,
                            "publisher": 404, "outsider": 404},
        kwargs=lambda w: {"token_id": w.token.pk}, tenant_scoped=False),
    Row("DELETE", "me-token", {**developer_own(204), "admin": 404, "creator": 404,
                               "publisher": 404, "outsider": 404},
        kwargs=lambda w: {"token_id": w.token.pk}, tenant_scoped=False),
    Row("GET", "tenant", everyone(200)),
    # AI APIs
    Row("GET", "apis", grant(200, "creator", "publisher")),
    Row("POST", "apis", grant(201, "creator"), body=lambda w: {
        "name": "New", "context": "new", "version": "1", "vendor": "mistral"}),
    Row("GET", "api", grant(200, "creator", "publisher"), kwargs=API),
    Row("PATCH", "api", grant(200, "creator"), kwargs=API, body=lambda w: {"description": "x"}),
    Row("DELETE", "api", grant(204, "creator"), kwargs=DRAFT),
    Row("GET", "api-endpoints", grant(200, "creator", "publisher"), kwargs=API),
    Row("GET", "api-endpoint", grant(200, "creator", "publisher"),
        kwargs=lambda w: {"api_id": w.api.pk, "kind": "production"}),
    Row("PATCH", "api-endpoint", grant(200, "creator"),
        kwargs=lambda w: {"api_id": w.api.pk, "kind": "production"},
        body=lambda w: {"api_key": "sk-rotated"}),
    Row("DELETE", "api-endpoint", grant(204, "creator"),
        kwargs=lambda w: {"api_id": w.api.pk, "kind": "sandbox"}),
    Row("GET", "api-targets", grant(200, "creator", "publisher"), kwargs=API),
    Row("GET", "api-target", grant(200, "creator", "publisher"), kwargs=BACKUP),
    Row("PATCH", "api-target", grant(200, "creator"), kwargs=BACKUP,
        body=lambda w: {"weight": 3, "api_key": "sk-backup"}),
    Row("DELETE", "api-target", grant(204, "creator"), kwargs=BACKUP),
    Row("GET", "api-routing", grant(200, "creator", "publisher"), kwargs=API),
    Row("PATCH", "api-routing", grant(200, "creator"), kwargs=API,
        body=lambda w: {"strategy": "latency"}),
    Row("GET", "api-policies", grant(200, "creator", "publisher"), kwargs=API),
    Row("POST", "api-policies", grant(201, "creator"), kwargs=API,
        body=lambda w: {"kind": "word_count_guard", "parameters": {"max": 500}}),
    Row("GET", "api-policy", grant(200, "creator", "publisher"), kwargs=POLICY),
    Row("PATCH", "api-policy", grant(200, "creator"), kwargs=POLICY,
        body=lambda w: {"name": "renamed"}),
    Row("DELETE", "api-policy", grant(204, "creator"), kwargs=POLICY),
    Row("POST", "api-policy-order", grant(200, "creator"), kwargs=API,
        body=lambda w: {"order": [w.policy.pk]}),
    Row("GET", "api-lifecycle", grant(200, "creator", "publisher"), kwargs=API),
    Row("GET", "api-versions", grant(200, "creator", "publisher"), kwargs=API),
    Row("POST", "api-versions", grant(201, "creator"), kwargs=API,
        body=lambda w: {"version": "9.9.9"}),
    Row("POST", "api-lifecycle", grant(200, "publisher"), kwargs=DRAFT,
        body=lambda w: {"state": "PUBLISHED"}),
    Row("GET", "api-revisions", grant(200, "creator", "publisher"), kwargs=API),
    Row("POST", "api-revisions", grant(201, "creator", "publisher"), kwargs=API, body=lambda w: {}),
    Row("GET", "api-revision", grant(200, "creator", "publisher"),
        kwargs=lambda w: {"api_id": w.api.pk, "number": 1}),
    Row("DELETE", "api-revision", grant(204, "creator", "publisher"),
        kwargs=lambda w: {"api_id": w.api.pk, "number": w.spare_revision.number}),
    Row("GET", "api-deployments", grant(200, "creator", "publisher"), kwargs=API),
    Row("POST", "api-deployments", grant(201, "publisher"), kwargs=API,
        body=lambda w: {"revision": w.spare_revision.number, "environment": "default"}),
    Row("GET", "api-deployment", grant(200, "creator", "publisher"),
        kwargs=lambda w: {"api_id": w.api.pk, "environment": "default"}),
    Row("DELETE", "api-deployment", grant(204, "publisher"),
        kwargs=lambda w: {"api_id": w.api.pk, "environment": "default"}),
    Row("GET", "api-subscriptions", grant(200, "publisher"), kwargs=API),
    Row("GET", "api-subscription", grant(200, "publisher"),
        kwargs=lambda w: {"api_id": w.api.pk, "subscription_id": w.subscription.pk}),
    Row("PATCH", "api-subscription", grant(200, "publisher"),
        kwargs=lambda w: {"api_id": w.api.pk, "subscription_id": w.subscription.pk},
        body=lambda w: {"status": "BLOCKED"}),
    # Knowledge collections
    Row("GET", "collections", grant(200, "creator", "publisher")),
    Row("POST", "collections", grant(201, "creator"),
        body=lambda w: {"slug": "faq", "name": "FAQ"}),
    Row("GET", "collection", grant(200, "creator", "publisher"), kwargs=COLLECTION),
    Row("PATCH", "collection", grant(200, "creator"), kwargs=COLLECTION,
        body=lambda w: {"name": "Staff handbook"}),
    Row("DELETE", "collection", grant(204, "creator"), kwargs=COLLECTION),
    Row("GET", "documents", grant(200, "creator", "publisher"), kwargs=COLLECTION),
    Row("POST", "documents", grant(201, "creator"), kwargs=COLLECTION,
        body=lambda w: {"title": "Shipping", "media_type": "text", "text": "Ships daily."}),
    Row("GET", "document", grant(200, "creator", "publisher"), kwargs=DOCUMENT),
    Row("PATCH", "document", grant(200, "creator"), kwargs=DOCUMENT,
        body=lambda w: {"title": "Refund policy"}),
    Row("DELETE", "document", grant(204, "creator"), kwargs=DOCUMENT),
    Row("POST", "collection-search", grant(200, "creator", "publisher"), kwargs=COLLECTION,
        body=lambda w: {"query": "refunds"}, audited=False),
    # The developer side
    Row("GET", "catalog", everyone(200)),
    Row("GET", "catalog-api", everyone(200), kwargs=API),
    Row("GET", "applications", grant(200, "subscriber")),
    Row("POST", "applications", grant(201, "subscriber"), body=lambda w: {"name": "Another"}),
    Row("GET", "application", developer_own(200), kwargs=APP),
    Row("PATCH", "application", developer_own(200), kwargs=APP,
        body=lambda w: {"tier": "10PerMin"}),
    Row("DELETE", "application", developer_own(204), kwargs=APP),
    Row("GET", "application-keys", developer_own(200), kwargs=APP),
    Row("POST", "application-keys", developer_own(201), kwargs=APP,
        body=lambda w: {"key_type": "sandbox"}),
    Row("GET", "application-key", developer_own(200), kwargs=KEY),
    Row("DELETE", "application-key", developer_own(204), kwargs=KEY),
    Row("POST", "application-key-regenerate", developer_own(201), kwargs=KEY, body=lambda w: {}),
    Row("GET", "subscriptions", grant(200, "subscriber")),
    # The admin names an application that is not theirs: a field error, not a subscription.
    Row("POST", "subscriptions", {**grant(201, "subscriber"), "admin": 400}, body=lambda w: {
        "application": w.app.pk, "api": w.other_api.pk, "plan": w.plan.pk}),
    Row("GET", "subscription", developer_own(200),
        kwargs=lambda w: {"subscription_id": w.subscription.pk}),
    Row("PATCH", "subscription", developer_own(200),
        kwargs=lambda w: {"subscription_id": w.subscription.pk},
        body=lambda w: {"plan": w.other_plan.pk}),
    Row("DELETE", "subscription", developer_own(204),
        kwargs=lambda w: {"subscription_id": w.subscription.pk}),
    # Tenant administration
    Row("GET", "plans", everyone(200)),
    Row("POST", "plans", grant(201), body=lambda w: {"name": "Platinum", "request_limit": 9}),
    Row("GET", "plan", everyone(200), kwargs=lambda w: {"plan_id": w.plan.pk}),
    Row("PATCH", "plan", grant(200), kwargs=lambda w: {"plan_id": w.plan.pk},
        body=lambda w: {"request_limit": 7}),
    Row("DELETE", "plan", grant(204), kwargs=lambda w: {"plan_id": w.spare_plan.pk}),
    Row("GET", "environments", everyone(200)),
    Row("POST", "environments", grant(201), body=lambda w: {"slug": "qa", "name": "QA"}),
    Row("GET", "environment", everyone(200),
        kwargs=lambda w: {"environment": w.spare_environment.slug}),
    Row("PATCH", "environment", grant(200),
        kwargs=lambda w: {"environment": w.spare_environment.slug}, body=lambda w: {"name": "S"}),
    Row("DELETE", "environment", grant(204),
        kwargs=lambda w: {"environment": w.spare_environment.slug}),
    Row("GET", "members", grant(200)),
    Row("GET", "member", grant(200), kwargs=lambda w: {"user_id": w.member.pk}),
    Row("PATCH", "member", grant(200), kwargs=lambda w: {"user_id": w.member.pk},
        body=lambda w: {"roles": ["creator"]}),
    Row("DELETE", "member", grant(204), kwargs=lambda w: {"user_id": w.member.pk}),
    Row("GET", "invitations", grant(200)),
    Row("POST", "invitations", grant(201),
        body=lambda w: {"email": "new@acme.test", "roles": ["subscriber"]}),
    Row("GET", "invitation", grant(200), kwargs=lambda w: {"invitation_id": w.invitation.pk}),
    Row("DELETE", "invitation", grant(204), kwargs=lambda w: {"invitation_id": w.invitation.pk}),
    Row("GET", "vendors", everyone(200)),
    Row("POST", "vendors", grant(201), body=lambda w: {
        "name": "Echo", "version": "v1", "base_url": "https://echo.example.com/v1",
        "auth_name": "x-api-key", "api_definition": MINIMAL_OPENAPI,
        "usage_paths": {"total_tokens": "$.usage.total"}}),
    Row("POST", "vendors-upload", grant(201), body=lambda w: {
        "name": "Echo", "version": "v1", "base_url": "https://echo.example.com/v1",
        "auth_name": "x-api-key", "api_definition": MINIMAL_OPENAPI}),
    Row("GET", "vendor", everyone(200), kwargs=VENDOR),
    Row("PATCH", "vendor", grant(200), kwargs=VENDOR, body=lambda w: {"description": "x"}),
    Row("PATCH", "vendor-upload", grant(200), kwargs=VENDOR, body=lambda w: {"description": "y"}),
    Row("DELETE", "vendor", grant(204), kwargs=VENDOR),
    Row("GET", "audit", grant(200)),
    Row("GET", "config", grant(200)),
    Row("POST", "config-diff", grant(200), body=lambda w: {}, audited=False),
    Row("POST", "config-apply", grant(200), body=lambda w: {"plans": [{"name": "From git"}]}),
    # Usage analytics: the tenant's for creators, publishers and admins; a developer's own
    # applications' for subscribers (tests/api/test_analytics.py checks the scoping).
    Row("GET", "analytics-usage", everyone(200)),
    Row("GET", "analytics-summary", everyone(200)),
    Row("GET", "analytics-quotas", grant(200, "subscriber")),
    Row("GET", "analytics-export", everyone(200)),
    # Prices (admins set them) and budgets (publishers and admins)
    Row("GET", "prices", everyone(200)),
    Row("POST", "prices", grant(201), body=lambda w: {
        "vendor": "anthropic", "model": "claude-x", "input": "1", "output": "5"}),
    Row("GET", "price", everyone(200), kwargs=PRICE),
    Row("PATCH", "price", grant(200), kwargs=PRICE, body=lambda w: {"output": "9"}),
    Row("DELETE", "price", grant(204), kwargs=PRICE),
    Row("GET", "budgets", grant(200, "publisher")),
    Row("POST", "budgets", grant(201, "publisher"), body=lambda w: {
        "name": "App daily", "scope": "application", "application": w.app.pk, "amount": "5",
        "period": "day"}),
    Row("GET", "budget", grant(200, "publisher"), kwargs=BUDGET),
    Row("PATCH", "budget", grant(200, "publisher"), kwargs=BUDGET, body=lambda w: {"amount": "7"}),
    Row("DELETE", "budget", grant(204, "publisher"), kwargs=BUDGET),
]
# fmt: on

TENANT_ROWS = [row for row in ROWS if row.tenant_scoped]
OBJECT_ROWS = [row for row in TENANT_ROWS if row.kwargs is not NO_OBJECT]


class _Rollback(Exception):
    pass


def call(client, row: Row, world: World, *, tenant_slug: str | None = None):
    kwargs = row.kwargs(world)
    if row.tenant_scoped:
        kwargs = {"tenant_slug": tenant_slug or world.tenant.slug, **kwargs}
    url = reverse(f"api:{row.name}", kwargs=kwargs)
    body = row.body(world) if row.body else None
    return client.generic(row.method, url, **_json(body))


def _json(body: dict | None) -> dict:
    import json

    if body is None:
        return {}
    return {"data": json.dumps(body), "content_type": "application/json"}


def attempt(client, row: Row, world: World, **kw) -> tuple[int, list[AuditLog]]:
    """Make the call inside a savepoint that is rolled back, so every role sees the same
    world; return the status and the audit rows the call wrote."""
    outcome: dict = {}
    try:
        with transaction.atomic():
            last = AuditLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
            response = call(client, row, world, **kw)
            outcome["status"] = response.status_code
            outcome["body"] = response.content
            outcome["audit"] = list(AuditLog.objects.filter(id__gt=last).select_related("actor"))
            raise _Rollback
    except _Rollback:
        pass
    return outcome["status"], outcome["audit"]


def users_by_role(personas) -> dict[str, object]:
    return {
        "admin": personas.admin,
        "creator": personas.creator,
        "publisher": personas.publisher,
        "subscriber": personas.subscriber,
        "outsider": personas.outsider,
        "anonymous": None,
    }


def expected_own(row: Row, role: str) -> int:
    if role == "anonymous":
        return 200 if row.public else 401
    if role == "outsider" and row.tenant_scoped:
        return 404
    return row.expect[role]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_own_tenant(row: Row, worlds, personas, client_for) -> None:
    mismatches = []
    for role, user in users_by_role(personas).items():
        status, audit = attempt(client_for(user), row, worlds.own)
        if status != expected_own(row, role):
            mismatches.append(f"{role}: got {status}, expected {expected_own(row, role)}")
        if row.method != "GET" and row.audited and 200 <= status < 300:
            mismatches.extend(audit_problems(row, role, user, audit, worlds.own))
    assert not mismatches, mismatches


def audit_problems(row: Row, role: str, user, audit: list[AuditLog], world: World) -> list[str]:
    """Every successful write leaves audit rows naming the actor (and the tenant)."""
    if not audit:
        return [f"{role}: {row.id} wrote no audit row"]
    problems = []
    for entry in audit:
        if entry.actor_id != user.pk:
            problems.append(f"{role}: audit {entry.action} has actor {entry.actor_id}")
        if row.tenant_scoped and entry.tenant_id != world.tenant.pk:
            problems.append(f"{role}: audit {entry.action} has tenant {entry.tenant_id}")
    return problems


@pytest.mark.parametrize("row", TENANT_ROWS, ids=lambda r: r.id)
def test_other_tenant_is_not_found(row: Row, worlds, personas, client_for) -> None:
    """The other tenant's URL, with its own objects: 404 for every member of ours."""
    results = {}
    for role, user in users_by_role(personas).items():
        if role == "outsider":
            continue
        results[role] = attempt(client_for(user), row, worlds.other)[0]
    expected = {role: 401 if role == "anonymous" else 404 for role in results}
    assert results == expected


@pytest.mark.parametrize("row", OBJECT_ROWS, ids=lambda r: r.id)
def test_other_tenants_object_is_not_found(row: Row, worlds, personas, client_for) -> None:
    """Our tenant's URL with an object id of the other tenant: 404 wherever the role may act."""
    results, expected = {}, {}
    users = users_by_role(personas)
    for role in ROLES:
        client = client_for(users[role])
        results[role] = attempt(client, row, worlds.other, tenant_slug=worlds.own.tenant.slug)[0]
        expected[role] = 403 if row.expect[role] == 403 else 404
    assert results == expected


def api_routes() -> set[tuple[str, str]]:
    """Every (method, url name) the resolver serves under /api/v1/."""
    found: set[tuple[str, str]] = set()

    def walk(patterns, prefix: str, namespace: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                ns = f"{namespace}:{entry.namespace}" if entry.namespace else namespace
                walk(entry.url_patterns, route, ns.strip(":"))
            elif isinstance(entry, URLPattern) and route.startswith("api/v1/"):
                view = getattr(entry.callback, "view_class", None) or getattr(
                    entry.callback, "cls", None
                )
                if view is None:  # the JSON 404 for unknown paths
                    continue
                for method in view.http_method_names:
                    if method not in ("options", "head", "trace") and hasattr(view, method):
                        found.add((method.upper(), entry.name))

    walk(get_resolver().url_patterns, "", "")
    return found


def test_every_route_has_a_row() -> None:
    rows = {(row.method, row.name) for row in ROWS}
    routes = api_routes()
    assert routes - rows == set(), "routes without a row in the permission matrix"
    assert rows - routes == set(), "rows for routes that do not exist"


def test_the_matrix_covers_every_route_of_the_schema(client_for) -> None:
    """A second opinion on coverage: the OpenAPI schema's operations."""
    schema = client_for(None).get(reverse("api:schema"), {"format": "json"}).json()
    operations = sum(
        1
        for item in schema["paths"].values()
        for method in item
        if method in ("get", "post", "patch", "put", "delete")
    )
    assert operations == len([row for row in ROWS if row.name not in ("schema", "docs")])


@pytest.mark.parametrize("name", sorted({row.name for row in TENANT_ROWS}))
def test_other_methods_answer_405_and_options_200(name: str, worlds, personas, client_for):
    row = next(row for row in TENANT_ROWS if row.name == name)
    served = {method for method, route in api_routes() if route == name}
    unserved = next(m for m in ("PUT", "PATCH", "DELETE", "POST") if m not in served)
    client = client_for(personas.admin)
    assert attempt(client, Row(unserved, name, {}, kwargs=row.kwargs), worlds.own)[0] == 405
    assert attempt(client, Row("OPTIONS", name, {}, kwargs=row.kwargs), worlds.own)[0] == 200
