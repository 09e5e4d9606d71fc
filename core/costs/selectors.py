"""Tenant-scoped reads of prices and budgets, and a budget's spend in its current period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.db.models import QuerySet

from core.costs.alerts import spent_in
from core.errors import NotFound
from core.models import Budget, ModelPrice, Tenant
from proxy.public import period_bounds


def prices(tenant: Tenant) -> QuerySet[ModelPrice]:
    return ModelPrice.objects.filter(tenant=tenant)


def price(tenant: Tenant, price_id: int) -> ModelPrice:
    found = prices(tenant).filter(pk=price_id).first()
    if found is None:
        raise NotFound("Price not found.")
    return found


def budgets(tenant: Tenant) -> QuerySet[Budget]:
    return Budget.objects.filter(tenant=tenant).select_related(
        "api", "application", "subscription", "key"
    )


def budget(tenant: Tenant, budget_id: int) -> Budget:
    found = budgets(tenant).filter(pk=budget_id).first()
    if found is None:
        raise NotFound("Budget not found.")
    return found


@dataclass(frozen=True)
class Spend:
    period_start: datetime
    period_end: datetime
    spent: Decimal
    remaining: Decimal


def spend_of(budget: Budget, now: datetime | None = None) -> Spend:
    """What the budget's scope has spent in the current period (settled usage rows)."""
    start, end = period_bounds(budget.period, (now or datetime.now(UTC)).timestamp())
    spent = spent_in(budget, start, end)
    return Spend(
        datetime.fromtimestamp(start, UTC),
        datetime.fromtimestamp(end, UTC),
        spent,
        max(Decimal(0), budget.amount - spent),
    )
