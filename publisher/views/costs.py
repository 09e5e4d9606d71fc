"""Costs: this month's spend per application and per model, and the tenant's budgets."""

from __future__ import annotations

from datetime import UTC, datetime

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from core.analytics import Bucket, GroupBy, UsageQuery, usage_report
from core.costs import selectors, services
from core.costs.spend import month_start, tenant_budgets
from core.errors import TollgateError
from core.web.forms import apply_errors
from core.web.rendering import render_page
from core.web.requests import MemberRequest
from publisher.cost_forms import BudgetForm
from publisher.views.common import portal_view, status_of

BUDGETS = "api.subscriptions"


def spend_rows(tenant_id: int, group_by: GroupBy, names: dict) -> list[dict]:
    now = datetime.now(UTC)
    query = UsageQuery(tenant_id, month_start(now), now, Bucket.DAY, group_by)
    report = usage_report(query)
    rows = [
        {
            "name": names.get(s.group) or (str(s.group) if s.group else "unknown"),
            "requests": s.totals.requests,
            "tokens": s.totals.total_tokens,
            "cost": s.totals.cost,
        }
        for s in report.series
    ]
    return sorted(rows, key=lambda row: -row["cost"])


@portal_view(BUDGETS)
def costs(request: MemberRequest) -> HttpResponse:
    tenant = request.tenant
    form = BudgetForm(request.POST or None, tenant=tenant)
    if request.method == "POST" and form.is_valid():
        try:
            budget = services.save_budget(
                tenant=tenant, actor=request.user, **form.service_fields()
            )
        except TollgateError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Created the budget {budget.name}.")
            return redirect("publisher:costs")
    app_names = dict(tenant.applications.values_list("pk", "name"))
    context = {
        "section": "costs",
        "form": form,
        "month_start": month_start(),
        "spend": [
            ("Spend by application", spend_rows(tenant.pk, GroupBy.APPLICATION, app_names)),
            ("Spend by model", spend_rows(tenant.pk, GroupBy.MODEL, {})),
        ],
        "budgets": tenant_budgets(tenant.pk),
    }
    return render_page(request, "publisher/costs.html", context, status=status_of(form))


@portal_view(BUDGETS)
@require_POST
def budget_delete(request: MemberRequest, budget_id: int) -> HttpResponse:
    budget = selectors.budget(request.tenant, budget_id)
    services.delete_budget(budget=budget, actor=request.user)
    messages.success(request, f"Deleted the budget {budget.name}.")
    return redirect("publisher:costs")
