"""Tenant settings › Plans: subscription tiers with request and token quotas (admins only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect

from core import selectors
from core.errors import TollgateError
from core.models import Plan
from core.services import tenants as tenant_services
from core.services.tenants import PLAN_FIELDS
from core.web.forms import apply_errors
from core.web.rendering import render_page
from core.web.requests import MemberRequest
from publisher.forms import PlanForm
from publisher.views.common import portal_view, status_of


def _save(request: MemberRequest, form: PlanForm, plan: Plan | None) -> Plan | None:
    try:
        return tenant_services.save_plan(
            tenant=request.tenant, actor=request.user, plan=plan, **form.cleaned_data
        )
    except TollgateError as exc:
        apply_errors(form, exc)
        return None


@portal_view("tenant.manage")
def plan_list(request: MemberRequest) -> HttpResponse:
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (plan := _save(request, form, None)):
        messages.success(request, f"Created the plan {plan.name}.")
        return redirect("publisher:plans")
    context = {"section": "plans", "plans": selectors.plans(request.tenant), "form": form}
    return render_page(request, "publisher/settings_plans.html", context, status=status_of(form))


@portal_view("tenant.manage")
def plan_edit(request: MemberRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(selectors.plans(request.tenant), pk=plan_id)
    if request.method == "POST" and request.POST.get("action") == "delete":
        try:
            tenant_services.delete_plan(plan=plan, actor=request.user)
        except TollgateError as exc:
            messages.error(request, exc.message)
            return redirect("publisher:plan-edit", plan_id=plan.pk)
        messages.success(request, f"Deleted the plan {plan.name}.")
        return redirect("publisher:plans")
    initial = {name: getattr(plan, name) for name in PLAN_FIELDS}
    form = PlanForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid() and _save(request, form, plan):
        messages.success(request, f"Saved the plan {plan.name}.")
        return redirect("publisher:plans")
    context = {"section": "plans", "plan": plan, "form": form, "in_use": plan.subscriptions.count()}
    return render_page(
        request, "publisher/settings_plan_edit.html", context, status=status_of(form)
    )
