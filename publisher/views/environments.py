"""Tenant settings › Gateway environments, where revisions are deployed (admins only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect

from core import selectors
from core.errors import TollgateError
from core.models import GatewayEnvironment
from core.services import tenants as tenant_services
from core.web.forms import apply_errors
from core.web.rendering import render_page
from core.web.requests import MemberRequest
from publisher.forms import EnvironmentForm
from publisher.views.common import portal_view, status_of

FIELDS = ("slug", "name", "description", "gateway_url")


def _save(
    request: MemberRequest, form: EnvironmentForm, environment: GatewayEnvironment | None
) -> GatewayEnvironment | None:
    try:
        return tenant_services.save_environment(
            tenant=request.tenant,
            actor=request.user,
            environment=environment,
            **form.cleaned_data,
        )
    except TollgateError as exc:
        apply_errors(form, exc)
        return None


@portal_view("tenant.manage")
def environment_list(request: MemberRequest) -> HttpResponse:
    form = EnvironmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and (env := _save(request, form, None)):
        messages.success(request, f"Created the gateway environment {env.name}.")
        return redirect("publisher:environments")
    environments = selectors.environments(request.tenant).prefetch_related("deployments__api")
    context = {"section": "environments", "environments": environments, "form": form}
    return render_page(
        request, "publisher/settings_environments.html", context, status=status_of(form)
    )


def _delete(request: MemberRequest, environment: GatewayEnvironment) -> HttpResponse:
    try:
        tenant_services.delete_environment(environment=environment, actor=request.user)
    except TollgateError as exc:
        messages.error(request, exc.message)
        return redirect("publisher:environment-edit", slug=environment.slug)
    messages.success(request, f"Deleted the gateway environment {environment.name}.")
    return redirect("publisher:environments")


@portal_view("tenant.manage")
def environment_edit(request: MemberRequest, slug: str) -> HttpResponse:
    environment = get_object_or_404(selectors.environments(request.tenant), slug=slug)
    if request.method == "POST" and request.POST.get("action") == "delete":
        return _delete(request, environment)
    initial = {name: getattr(environment, name) for name in FIELDS}
    form = EnvironmentForm(request.POST or None, initial=initial)
    form.fields["slug"].disabled = True  # deployments are keyed by it
    if request.method == "POST" and form.is_valid() and _save(request, form, environment):
        messages.success(request, f"Saved the gateway environment {environment.name}.")
        return redirect("publisher:environments")
    context = {"section": "environments", "environment": environment, "form": form}
    return render_page(
        request, "publisher/settings_environment_edit.html", context, status=status_of(form)
    )
