"""Budgets as the proxy reads them: on the deployment (tenant, API) and the key (application,
subscription, key) snapshots."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Q

from core.models import AiApi, ApiKey, Budget, BudgetScope


def budget_dict(budget: Budget) -> dict[str, Any]:
    return {
        "id": budget.pk,
        "scope": budget.scope,
        "limit_micros": int(budget.amount * Decimal(1_000_000)),
        "currency": budget.currency,
        "period": budget.period,
        "action": budget.action,
        "downgrade_model": budget.downgrade_model,
        "api_id": budget.subscription.api_id if budget.subscription else None,
    }


def deployment_budgets(api: AiApi) -> list[dict[str, Any]]:
    budgets = Budget.objects.filter(tenant_id=api.tenant_id, active=True).filter(
        Q(scope=BudgetScope.TENANT) | Q(scope=BudgetScope.API, api_id=api.pk)
    )
    return [budget_dict(b) for b in budgets.order_by("pk")]


def key_budgets(key: ApiKey) -> list[dict[str, Any]]:
    app_id = key.application_id
    budgets = (
        Budget.objects.filter(tenant_id=key.tenant_id, active=True)
        .filter(
            Q(scope=BudgetScope.APPLICATION, application_id=app_id)
            | Q(scope=BudgetScope.SUBSCRIPTION, subscription__application_id=app_id)
            | Q(scope=BudgetScope.KEY, key_id=key.pk)
        )
        .select_related("subscription")
    )
    return [budget_dict(b) for b in budgets.order_by("pk")]
