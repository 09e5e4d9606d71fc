"""Prices and budgets reach the proxies' snapshots: built-in list prices under the tenant's
own, custom vendors priced by the tenant, budgets on the deployment or the key snapshot."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.costs.price_book import builtin_entries, compiled_prices
from core.costs.services import delete_budget, save_budget, save_price
from core.errors import InvalidInput

pytestmark = pytest.mark.django_db
DEFAULT_KEY = "default:acme:1.0.0/chat"


def test_every_shipped_price_names_its_source_and_date():
    for vendor, items in builtin_entries().items():
        for item in items:
            assert item["source"].startswith("https://"), (vendor, item["models"])
            assert item["checked"] and Decimal(item["input"]) > 0 and Decimal(item["output"]) > 0


def test_shipped_prices_are_picos_per_token(personas):
    table = compiled_prices(personas.tenant.pk, "anthropic")
    (price,) = table["models"]["claude-sonnet-4-5"]
    # $3 / $15 per million, cache reads $0.30, 5-minute cache writes $3.75
    assert (price["input"], price["output"]) == (3_000_000, 15_000_000)
    assert (price["cached_input"], price["cache_write"]) == (300_000, 3_750_000)
    assert compiled_prices(personas.tenant.pk, "cohere") == {}  # unpriced until the tenant says


def test_a_tenant_price_replaces_the_shipped_one_and_prices_custom_models(personas):
    save_price(
        tenant=personas.tenant,
        actor=personas.admin,
        vendor="openai",
        model="gpt-4o",
        input=Decimal("2"),
        output=Decimal("8"),
        aliases=["house-model"],
    )
    save_price(
        tenant=personas.tenant, actor=personas.admin, vendor="acme-llm", model="m1",
        input=Decimal("0.0375"), output=Decimal("1"), currency="EUR",
    )  # fmt: skip
    openai = compiled_prices(personas.tenant.pk, "openai")
    assert [p["input"] for p in openai["models"]["gpt-4o"]] == [2_000_000]
    assert openai["aliases"]["house-model"] == "gpt-4o"
    assert "gpt-4o-mini" in openai["models"]  # the shipped prices of other models stay
    (custom,) = compiled_prices(personas.tenant.pk, "acme-llm")["models"]["m1"]
    assert (custom["input"], custom["currency"]) == (37_500, "EUR")
    assert (
        compiled_prices(personas.outsider_tenant.pk, "openai")["models"]["gpt-4o"][0]["input"]
        == 2_500_000
    )


def test_prices_and_budgets_reach_the_snapshots(registry, personas, live, commit):
    api, _, consumer = live
    with commit():
        save_price(
            tenant=personas.tenant, actor=personas.admin, vendor="openai", model="gpt-4o",
            input=Decimal("2"), output=Decimal("8"),
        )  # fmt: skip
        save_budget(
            tenant=personas.tenant, actor=personas.admin, name="api", scope="api", api=api,
            amount=Decimal("1.5"), period="month",
        )  # fmt: skip
        app_budget = save_budget(
            tenant=personas.tenant, actor=personas.admin, name="app", scope="application",
            application=consumer.app, amount=Decimal("0.25"), period="day",
            action="downgrade", downgrade_model="gpt-4o-mini",
        )  # fmt: skip
    deployment = registry.deployment(DEFAULT_KEY)
    assert deployment.prices["models"]["gpt-4o"][0]["input"] == 2_000_000
    assert [(b["scope"], b["limit_micros"], b["period"]) for b in deployment.budgets] == [
        ("api", 1_500_000, "month")
    ]
    key = registry.key(consumer.key.digest)
    assert [(b["scope"], b["action"], b["downgrade_model"]) for b in key.budgets] == [
        ("application", "downgrade", "gpt-4o-mini")
    ]
    with commit():
        delete_budget(budget=app_budget, actor=personas.admin)
    assert registry.key(consumer.key.digest).budgets == []


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"scope": "api"}, "api"),
        ({"scope": "tenant", "amount": Decimal("0")}, "amount"),
        ({"scope": "tenant", "action": "downgrade"}, "downgrade_model"),
        ({"scope": "tenant", "thresholds": [0, 80]}, "thresholds"),
        ({"scope": "tenant", "webhook_url": "https://hooks.test/x"}, "webhook_secret"),
    ],
)
def test_a_budget_that_cannot_work_is_refused_by_field(personas, fields, field):
    values = {"name": "b", "amount": Decimal("1"), "period": "week", **fields}
    with pytest.raises(InvalidInput) as refused:
        save_budget(tenant=personas.tenant, actor=personas.admin, **values)
    assert field in refused.value.fields


def test_a_budget_cannot_name_another_tenants_api(personas, live):
    api, _, _ = live
    with pytest.raises(InvalidInput) as refused:
        save_budget(
            tenant=personas.outsider_tenant, actor=personas.outsider, name="x", scope="api",
            api=api, amount=Decimal("1"), period="day",
        )  # fmt: skip
    assert "api" in refused.value.fields
