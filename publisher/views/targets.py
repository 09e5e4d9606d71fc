"""Endpoints › target pools: more targets per side, their health, and the routing settings.

Posts land here and return to the Endpoints page; a form with errors is shown on that page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from core.errors import TollgateError
from core.models import AiApi, ApiType
from core.selectors import vendor_version_by_slug, vendors
from core.services import targets as target_services
from core.services.apis import UNCHANGED
from core.web.forms import apply_errors
from core.web.requests import MemberRequest
from proxy.public import RoutingPolicy
from publisher.api.routing import pool_rows
from publisher.target_forms import RoutingForm, TargetForm
from publisher.views.common import api_view, finish, require_perm


def vendor_choices(request: HttpRequest, api: AiApi) -> list[tuple[str, str]] | None:
    """The vendors a target may use instead of the API's: only on an OpenAI-compatible API."""
    if api.api_type != ApiType.UNIFIED:
        return None
    tenant = request.tenant  # type: ignore[attr-defined]
    return [(v.slug, v.name) for v in vendors(tenant).order_by("name")]


def pool_context(
    request: HttpRequest,
    api: AiApi,
    target_form: TargetForm | None = None,
    routing_form: RoutingForm | None = None,
) -> dict:
    return {
        "pool_rows": pool_rows(api),
        "target_form": target_form or TargetForm(vendors=vendor_choices(request, api)),
        "routing_form": routing_form
        or RoutingForm(initial=RoutingPolicy.from_dict(api.routing).to_dict()),
    }


@api_view("api.view")
def targets(request: MemberRequest, api: AiApi) -> HttpResponse:
    back = request.path.removesuffix("targets/") + "endpoints/"
    if request.method != "POST":
        return redirect(back)
    if denied := require_perm(request, "api.update"):
        return denied
    action = request.POST.get("action", "")
    handlers = {"save": _save_target, "remove": _remove_target, "routing": _save_routing}
    handler = handlers.get(action)
    if handler is None:
        return redirect(back)
    message, forms = handler(request, api)
    if message and (done := finish(request, message, back)):
        return done
    from publisher.views.endpoints import render_endpoints

    return render_endpoints(request, api, **forms)


def _save_target(request: MemberRequest, api: AiApi) -> tuple[str | None, dict]:
    form = TargetForm(request.POST, vendors=vendor_choices(request, api))
    if not form.is_valid():
        return None, {"target_form": form}
    data = form.cleaned_data
    try:
        vendor_version = UNCHANGED
        if "vendor" in data:
            vendor = data["vendor"]
            vendor_version = vendor_version_by_slug(request.tenant, vendor) if vendor else None
        target_services.save_target(
            api=api,
            kind=data["kind"],
            name=data["name"],
            actor=request.user,
            url=data["url"],
            credential=data["credential"] or UNCHANGED,
            vendor_version=vendor_version,
            model=data["model"],
            weight=data["weight"],
            priority=data["priority"],
        )
    except TollgateError as exc:
        apply_errors(form, exc)
        return None, {"target_form": form}
    return f"Saved the {data['kind']} target {data['name']}.", {}


def _remove_target(request: MemberRequest, api: AiApi) -> tuple[str | None, dict]:
    kind, name = request.POST.get("kind", ""), request.POST.get("name", "")
    try:
        target_services.delete_target(api=api, kind=kind, name=name, actor=request.user)
    except TollgateError:
        return "That target was already removed.", {}
    return f"Removed the {kind} target {name}.", {}


def _save_routing(request: MemberRequest, api: AiApi) -> tuple[str | None, dict]:
    form = RoutingForm(request.POST)
    if not form.is_valid():
        return None, {"routing_form": form}
    try:
        target_services.set_routing(api=api, actor=request.user, routing=form.routing())
    except TollgateError as exc:
        apply_errors(form, exc)
        return None, {"routing_form": form}
    return "Saved the routing settings.", {}
