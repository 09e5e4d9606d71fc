"""Applications: list, create, edit, delete, and the application's page (keys, subscriptions)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from core.costs.spend import application_spend
from core.errors import TollgateError
from core.models import ApiKey, Application, EndpointKind
from core.services import access
from core.web.forms import apply_errors
from core.web.redirects import safe_next
from core.web.rendering import render_page
from devportal.forms import ApplicationForm, KeyForm
from devportal.portal import DeveloperRequest, PortalRequest, developer_view
from devportal.views.common import own_application, own_applications


@developer_view
def application_list(request: DeveloperRequest) -> HttpResponse:
    apps = own_applications(request).annotate(
        key_count=Count("keys", filter=Q(keys__revoked_at__isnull=True), distinct=True),
        subscription_count=Count("subscriptions", distinct=True),
    )
    return render_page(
        request,
        "devportal/application_list.html",
        {"applications": apps, "section": "applications"},
    )


@developer_view
def application_create(request: DeveloperRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if request.method == "POST" and form.is_valid():
        try:
            app = access.create_application(
                tenant=request.portal.tenant, owner=request.user, **form.cleaned_data
            )
        except TollgateError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Application {app.name} created.")
            fallback = reverse("devportal:application", args=[app.pk])
            return redirect(safe_next(request, next_url, fallback))
    return render_page(
        request,
        "devportal/application_form.html",
        {"form": form, "next": next_url, "section": "applications"},
    )


@developer_view
def application_edit(request: DeveloperRequest, app_id: int) -> HttpResponse:
    app = own_application(request, app_id)
    initial = {"name": app.name, "description": app.description, "tier": app.tier}
    form = ApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            access.update_application(app=app, actor=request.user, **form.cleaned_data)
        except TollgateError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Application {app.name} saved.")
            return redirect("devportal:application", app_id=app.pk)
    return render_page(
        request,
        "devportal/application_form.html",
        {"form": form, "application": app, "section": "applications"},
    )


@developer_view
def application_delete(request: DeveloperRequest, app_id: int) -> HttpResponse:
    app = own_application(request, app_id)
    if request.method == "POST":
        name = app.name
        access.delete_application(app=app, actor=request.user)
        messages.success(request, f"Application {name} deleted; its keys no longer work.")
        return redirect("devportal:applications")
    context = {
        "application": app,
        "key_count": app.keys.filter(revoked_at__isnull=True).count(),
        "subscription_count": app.subscriptions.count(),
        "section": "applications",
    }
    return render_page(request, "devportal/application_delete.html", context)


@developer_view
def application_detail(request: DeveloperRequest, app_id: int) -> HttpResponse:
    app = own_application(request, app_id)
    return render_page(request, "devportal/application_detail.html", detail_context(request, app))


@dataclass(frozen=True)
class RevealedKey:
    """A key just made: its plaintext goes into this one response and nowhere else."""

    key: ApiKey
    plaintext: str


def keyset(
    app: Application,
    key_type: str,
    *,
    form: KeyForm | None = None,
    revealed: tuple[ApiKey, str] | None = None,
) -> dict:
    """One side (production or sandbox) of an application: its keys and the generate form."""
    keys = [key for key in app.keys.all() if key.key_type == key_type]
    return {
        "key_type": key_type,
        "label": EndpointKind(key_type).label,
        "active": [key for key in keys if key.is_active],
        "inactive": [key for key in keys if not key.is_active],
        "form": form or KeyForm(prefix=key_type),
        "revealed": RevealedKey(*revealed) if revealed else None,
    }


def detail_context(request: PortalRequest, app: Application, **sides) -> dict:
    """`sides` may replace a keyset, e.g. production=keyset(app, "production", revealed=...)."""
    sets = {kind: sides.get(kind) or keyset(app, kind) for kind in EndpointKind.values}
    return {
        "application": app,
        "keysets": [sets[kind] for kind in EndpointKind.values],
        "subscriptions": app.subscriptions.select_related("api", "plan"),
        "section": "applications",
        "spend": application_spend(app),
    }
