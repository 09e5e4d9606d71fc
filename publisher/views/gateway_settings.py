"""API configurations › Gateway: the API type and the AIVAX-style gateway settings (system
prompt, assistant prefill, default parameters and whether requests may override them)."""

from __future__ import annotations

from django.http import HttpResponse

from core.errors import TollgateError
from core.models import AiApi
from core.permissions import can
from core.services import apis as api_services
from core.web.forms import apply_errors
from core.web.rendering import render_page
from core.web.requests import MemberRequest
from proxy.public import shapes_understood, slug_of
from publisher.gateway_forms import GatewayForm
from publisher.views.common import api_view, finish, require_perm, status_of


def _save(request: MemberRequest, api: AiApi, form: GatewayForm) -> bool:
    settings = form.gateway_settings()
    if knowledge := (api.gateway_settings or {}).get("knowledge"):
        settings["knowledge"] = knowledge  # attached on the collection's page, kept here
    try:
        api_services.update_api(
            api=api,
            actor=request.user,
            api_type=form.cleaned_data["api_type"],
            gateway_settings=settings,
        )
    except TollgateError as exc:
        api.refresh_from_db()
        apply_errors(form, exc)
        return False
    return True


@api_view("api.view")
def gateway(request: MemberRequest, api: AiApi) -> HttpResponse:
    form = GatewayForm(initial=GatewayForm.initial_for(api))
    if request.method == "POST":
        if denied := require_perm(request, "api.update"):
            return denied
        form = GatewayForm(request.POST)
        if form.is_valid() and _save(request, api, form):
            if done := finish(request, "Saved the gateway settings.", request.path):
                return done
            form = GatewayForm(initial=GatewayForm.initial_for(api))
    driver = api.vendor_version.driver
    context = {
        "api": api,
        "section": "gateway",
        "form": form,
        "can_edit": can(request.membership, "api.update"),
        "native_applies": shapes_understood("native", driver),
        "applies": shapes_understood(api.api_type, driver),
        "aliases": (str(api.pk), str(api.uuid), slug_of(api.name)),
    }
    return render_page(
        request, "publisher/api_gateway.html", context, partial="gateway", status=status_of(form)
    )
