"""What the portals show: an application's spend and remaining budgets; a tenant's spend by
application and by model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from django.db.models import Q, Sum

from core.costs.selectors import Spend, spend_of
from core.models import Application, Budget, UsageEvent
from proxy.public import period_bounds

PICOS = Decimal(10) ** 12


@dataclass(frozen=True)
class BudgetStatus:
    budget: Budget
    spend: Spend

    @property
    def percent(self) -> int:
        return min(100, int(self.spend.spent * 100 / self.budget.amount))


@dataclass(frozen=True)
class ApplicationSpend:
    month_start: datetime
    month_cost: Decimal
    budgets: list[BudgetStatus]


def month_start(now: datetime | None = None) -> datetime:
    start, _ = period_bounds("month", (now or datetime.now(UTC)).timestamp())
    return datetime.fromtimestamp(start, UTC)


def application_spend(app: Application, now: datetime | None = None) -> ApplicationSpend:
    since = month_start(now)
    rows = UsageEvent.objects.filter(tenant_id=app.tenant_id, application_id=app.pk, ts__gte=since)
    picos = rows.aggregate(total=Sum("cost_pico"))["total"] or 0
    budgets = Budget.objects.filter(tenant_id=app.tenant_id, active=True).filter(
        Q(application=app) | Q(subscription__application=app) | Q(key__application=app)
    )
    statuses = [BudgetStatus(b, spend_of(b, now)) for b in budgets.select_related("subscription")]
    return ApplicationSpend(since, Decimal(picos) / PICOS, statuses)


def tenant_budgets(tenant_id: int, now: datetime | None = None) -> list[BudgetStatus]:
    budgets = Budget.objects.filter(tenant_id=tenant_id).select_related(
        "api", "application", "subscription", "key"
    )
    return [BudgetStatus(b, spend_of(b, now)) for b in budgets.order_by("name")]
