"""API Configurations › Endpoints: production and sandbox URLs with write-only provider keys."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse
from django.urls import reverse

from core.errors import TollgateError
from core.models import AiApi, Endpoint, EndpointKind, VendorVersion
from core.permissions import can
from core.services import apis as api_services
from core.services.apis import UNCHANGED
from core.web.forms import apply_errors
from core.web.rendering import render_page
from core.web.requests import MemberRequest
from publisher.forms import EndpointForm
from publisher.views.common import api_view, finish, require_perm, status_of
from publisher.views.targets import pool_context

TEMPLATE = "publisher/api_endpoints.html"


@dataclass
class EndpointCard:
    kind: str
    label: str
    endpoint: Endpoint | None
    form: EndpointForm


def is_azure(vendor_version: VendorVersion) -> bool:
    return vendor_version.driver.startswith("azure")


def key_note(vendor_version: VendorVersion) -> str:
    """How the gateway hands the provider key to the provider, in words."""
    name, prefix = vendor_version.auth_name, vendor_version.auth_prefix
    if vendor_version.auth_scheme == "none":
        return "This provider takes no key."
    if vendor_version.auth_scheme == "query":
        return f"The gateway sends the key as the “{name}” query parameter."
    if prefix.strip():
        return (
            f"The gateway sends the key in the “{name}” header as “{prefix}<key>”: "
            f"enter the key alone, “{prefix.strip()}” is prepended."
        )
    return f"The gateway sends the key as is in the “{name}” header."


def _initial(endpoint: Endpoint | None) -> dict:
    if endpoint is None:
        return {}
    return {"url": endpoint.url, **{k: v for k, v in endpoint.settings.items() if v}}


def _cards(api: AiApi, posted: EndpointForm | None = None) -> list[EndpointCard]:
    current = {ep.kind: ep for ep in api.endpoints.all()}
    azure = is_azure(api.vendor_version)
    cards = []
    for kind in EndpointKind:
        endpoint = current.get(kind.value)
        form = (
            posted
            if posted is not None and posted.prefix == kind.value
            else EndpointForm(
                initial=_initial(endpoint),
                kind=kind.value,
                azure=azure,
                has_key=bool(endpoint and endpoint.has_credential),
            )
        )
        cards.append(EndpointCard(kind.value, kind.label, endpoint, form))
    return cards


def _save(request: MemberRequest, api: AiApi, kind: str, form: EndpointForm) -> str:
    data = form.cleaned_data
    credential = UNCHANGED
    if data["clear_credential"]:
        credential = None
    elif data["credential"]:
        credential = data["credential"]
    settings = UNCHANGED
    if is_azure(api.vendor_version):
        settings = {k: data[k] for k in ("deployment", "api_version") if data.get(k)}
    api_services.set_endpoint(
        api=api,
        kind=kind,
        actor=request.user,
        url=data["url"],
        credential=credential,
        settings=settings,
    )
    key_change = {None: " and removed its key", UNCHANGED: ""}.get(credential, " and its new key")
    return f"Saved the {kind} endpoint{key_change}."


def _handle_post(request: MemberRequest, api: AiApi) -> tuple[str | None, EndpointForm | None]:
    """Returns (confirmation, form with errors or None)."""
    kind = request.POST.get("kind", "")
    if kind not in EndpointKind.values:
        return None, None
    if request.POST.get("action") == "remove":
        api_services.set_endpoint(api=api, kind=kind, actor=request.user, url=None)
        return f"Removed the {kind} endpoint.", None
    endpoint = api.endpoints.filter(kind=kind).first()
    form = EndpointForm(
        request.POST,
        kind=kind,
        azure=is_azure(api.vendor_version),
        has_key=bool(endpoint and endpoint.has_credential),
        scope=f"{api.uuid}:{kind}",
    )
    if not form.is_valid():
        return None, form
    try:
        return _save(request, api, kind, form), None
    except TollgateError as exc:
        apply_errors(form, exc)
        return None, form


@api_view("api.view")
def endpoints(request: MemberRequest, api: AiApi) -> HttpResponse:
    form = None
    if request.method == "POST":
        if denied := require_perm(request, "api.update"):
            return denied
        confirmation, form = _handle_post(request, api)
        if confirmation and (done := finish(request, confirmation, request.path)):
            return done
    return render_endpoints(request, api, form)


def render_endpoints(
    request: MemberRequest, api: AiApi, form: EndpointForm | None = None, **pool_forms
) -> HttpResponse:
    cards = _cards(api, form)
    posted_kind = request.POST.get("kind")
    context = {
        "api": api,
        "section": "endpoints",
        "cards": cards,
        "card": next((card for card in cards if card.kind == posted_kind), None),
        "key_note": key_note(api.vendor_version),
        "azure": is_azure(api.vendor_version),
        "can_edit": can(request.membership, "api.update"),
        "action_url": reverse("publisher:endpoints", kwargs={"api_uuid": api.uuid}),
        "targets_url": reverse("publisher:targets", kwargs={"api_uuid": api.uuid}),
        **pool_context(request, api, **pool_forms),
    }
    partial = "card" if context["card"] else None
    status = status_of(form, *pool_forms.values())
    return render_page(request, TEMPLATE, context, partial=partial, status=status)
