"""Every write through the REST API leaves the audit rows it should, with actor and tenant,
and the audit log is readable by admins only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.api.test_permissions import ROLES, ROWS, Row, attempt, users_by_role

# (method, route) → the audit actions one successful call writes.
ACTIONS: dict[tuple[str, str], list[str]] = {
    ("POST", "me-tokens"): ["token.create"],
    ("DELETE", "me-token"): ["token.revoke"],
    ("POST", "apis"): ["api.create"],
    ("PATCH", "api-target"): ["target.update"],
    ("DELETE", "api-target"): ["target.delete"],
    ("PATCH", "api-routing"): ["api.routing"],
    ("POST", "api-policies"): ["policy.add"],
    ("PATCH", "api-policy"): ["policy.update"],
    ("DELETE", "api-policy"): ["policy.remove"],
    ("POST", "api-policy-order"): ["policy.reorder"],
    ("POST", "prices"): ["price.create"],
    ("PATCH", "price"): ["price.update"],
    ("DELETE", "price"): ["price.delete"],
    ("POST", "budgets"): ["budget.create"],
    ("PATCH", "budget"): ["budget.update"],
    ("DELETE", "budget"): ["budget.delete"],
    ("PATCH", "api"): ["api.update"],
    ("DELETE", "api"): ["api.delete"],
    ("PATCH", "api-endpoint"): ["endpoint.update"],
    ("DELETE", "api-endpoint"): ["endpoint.delete"],
    ("POST", "api-lifecycle"): ["api.lifecycle"],
    ("POST", "api-versions"): ["api.new_version"],
    ("POST", "api-revisions"): ["revision.create"],
    ("DELETE", "api-revision"): ["revision.delete"],
    ("POST", "api-deployments"): ["deployment.deploy"],
    ("DELETE", "api-deployment"): ["deployment.undeploy"],
    ("PATCH", "api-subscription"): ["subscription.update"],
    ("POST", "applications"): ["application.create"],
    ("PATCH", "application"): ["application.update"],
    ("DELETE", "application"): ["application.delete"],
    ("POST", "application-keys"): ["key.create"],
    ("DELETE", "application-key"): ["key.revoke"],
    ("POST", "application-key-regenerate"): ["key.revoke", "key.create"],
    ("POST", "subscriptions"): ["subscription.create"],
    ("PATCH", "subscription"): ["subscription.update"],
    ("DELETE", "subscription"): ["subscription.delete"],
    ("POST", "plans"): ["plan.create"],
    ("PATCH", "plan"): ["plan.update"],
    ("DELETE", "plan"): ["plan.delete"],
    ("POST", "environments"): ["environment.create"],
    ("PATCH", "environment"): ["environment.update"],
    ("DELETE", "environment"): ["environment.delete"],
    ("PATCH", "member"): ["member.roles"],
    ("DELETE", "member"): ["member.remove"],
    ("POST", "invitations"): ["member.invite"],
    ("DELETE", "invitation"): ["invitation.revoke"],
    ("POST", "vendors"): ["vendor.create"],
    ("POST", "vendors-upload"): ["vendor.create"],
    ("PATCH", "vendor"): ["vendor.update"],
    ("PATCH", "vendor-upload"): ["vendor.update"],
    ("DELETE", "vendor"): ["vendor.delete"],
    ("POST", "config-apply"): ["plan.create"],
    ("POST", "collections"): ["collection.create"],
    ("PATCH", "collection"): ["collection.update"],
    ("DELETE", "collection"): ["collection.delete"],
    ("POST", "documents"): ["document.create"],
    ("PATCH", "document"): ["document.update"],
    ("DELETE", "document"): ["document.delete"],
}
WRITES = [row for row in ROWS if row.method != "GET" and row.audited]
# Tokens belong to a user but reach one tenant: their audit rows go to that tenant's log.
IN_TOKEN_TENANT = {("POST", "me-tokens"), ("DELETE", "me-token")}


def test_every_write_route_has_its_audit_actions() -> None:
    assert {(row.method, row.name) for row in WRITES} == set(ACTIONS)


def allowed_role(row: Row) -> str:
    return next(role for role in ROLES if 200 <= row.expect[role] < 300)


@pytest.mark.parametrize("row", WRITES, ids=lambda r: r.id)
def test_write_is_audited(row: Row, worlds, personas, client_for) -> None:
    role = allowed_role(row)
    user = users_by_role(personas)[role]
    status, audit = attempt(client_for(user), row, worlds.own)
    assert 200 <= status < 300
    assert [entry.action for entry in reversed(audit)] == ACTIONS[(row.method, row.name)]
    for entry in audit:
        assert entry.actor == user
        in_tenant = row.tenant_scoped or (row.method, row.name) in IN_TOKEN_TENANT
        assert entry.tenant == (worlds.own.tenant if in_tenant else None)
        assert entry.object_type and entry.object_id


def test_audit_log_lists_and_filters(worlds, personas, client_for) -> None:
    admin = client_for(personas.admin)
    url = reverse("api:audit", kwargs={"tenant_slug": "acme"})
    page = admin.get(url).json()
    assert page["count"] >= 10 and len(page["results"]) == page["count"]
    assert {row["actor"] for row in page["results"]} >= {"creator1", "publisher1", "subscriber1"}
    keys = admin.get(url, {"action": "key.create"}).json()["results"]
    assert [row["changes"]["key_type"] for row in keys] == ["production"]
    assert all(row["object_type"] == "apikey" for row in keys)
    # The other tenant's rows never show up.
    assert all("globex" not in str(row) for row in page["results"])
