"""Prices and budgets in the tenant's configuration document: exported, applied idempotently,
pruned, secrets by reference only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.config_as_code import (
    ConfigError,
    apply_document,
    dump_document,
    export_tenant,
    parse_document,
    plan_document,
)
from core.costs.services import save_budget, save_price
from core.models import Budget, ModelPrice
from core.services.tenants import create_tenant

pytestmark = pytest.mark.django_db

DOCUMENT = """
apiVersion: tollgate.dev/v1
kind: TenantConfig
prices:
  - {vendor: openai, model: gpt-4o, input: "2.5", output: "10", cached_input: "1.25"}
  - {vendor: acme-llm, model: m1, input: "0.0375", output: "1", currency: EUR,
     effective_from: 2026-07-01, aliases: [m1-latest]}
budgets:
  - {name: all, scope: tenant, amount: "100", period: month, notify_emails: [ops@acme.test]}
  - name: chat
    scope: api
    api: Chat 1.0.0
    amount: "5.5"
    period: day
    action: downgrade
    downgrade_model: gpt-4o-mini
    webhook_url: https://hooks.acme.test/budgets
    webhook_secret: {secretRef: env:BUDGET_HOOK_SECRET}
"""


def secrets(name: str) -> str | None:
    return {"BUDGET_HOOK_SECRET": "whsec-from-the-environment"}.get(name)


def test_apply_then_export_round_trips_and_a_second_apply_changes_nothing(personas, live):
    doc = parse_document(DOCUMENT)
    changes = apply_document(personas.tenant, doc, actor=personas.admin, read_secret=secrets)
    assert sorted((c.kind, c.action) for c in changes) == [
        ("budget", "create"), ("budget", "create"), ("price", "create"), ("price", "create"),
    ]  # fmt: skip
    chat = Budget.objects.get(name="chat")
    assert (chat.api, chat.amount, chat.action) == (live[0], Decimal("5.5"), "downgrade")
    assert chat.webhook_secret_encrypted and "whsec" not in chat.webhook_secret_encrypted
    assert ModelPrice.objects.get(model="m1").aliases == ["m1-latest"]

    exported = export_tenant(personas.tenant)
    text = dump_document(exported)
    assert "whsec" not in text and "secretRef: stored" in text
    assert plan_document(personas.tenant, parse_document(text), prune=True) == []
    assert plan_document(personas.tenant, doc, read_secret=secrets) == []


def test_prune_deletes_prices_and_budgets_left_out(personas, live):
    save_price(
        tenant=personas.tenant, actor=personas.admin, vendor="openai", model="o3",
        input=Decimal("2"), output=Decimal("8"),
    )  # fmt: skip
    save_budget(
        tenant=personas.tenant, actor=personas.admin, name="old", scope="tenant",
        amount=Decimal("1"), period="week",
    )  # fmt: skip
    doc = export_tenant(personas.tenant).model_copy(update={"prices": [], "budgets": []})
    apply_document(personas.tenant, doc, actor=personas.admin, prune=True)
    assert not ModelPrice.objects.filter(tenant=personas.tenant).exists()
    assert not Budget.objects.filter(tenant=personas.tenant).exists()


def test_a_budget_on_an_unknown_api_is_refused_at_its_path(personas):
    tenant = create_tenant(slug="empty", name="Empty")
    doc = parse_document(
        "apiVersion: tollgate.dev/v1\nkind: TenantConfig\nbudgets:\n"
        "  - {name: x, scope: api, api: Nope 1, amount: '1', period: day}\n"
    )
    with pytest.raises(ConfigError) as refused:
        apply_document(tenant, doc, actor=personas.admin)
    assert "budgets[0].api" in refused.value.problems
