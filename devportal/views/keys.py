"""An application's keys: generate (shown once), revoke, regenerate."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from core.errors import TollgateError
from core.models import ApiKey, EndpointKind
from core.services import access
from core.web.forms import apply_errors
from core.web.rendering import render_page
from devportal.forms import KeyForm
from devportal.portal import DeveloperRequest, PortalRequest, developer_view
from devportal.views.applications import detail_context, keyset
from devportal.views.common import no_store, own_application

TEMPLATE = "devportal/application_detail.html"


@developer_view
@require_POST
def generate(request: DeveloperRequest, app_id: int, key_type: str) -> HttpResponse:
    app = own_application(request, app_id)
    if key_type not in EndpointKind.values:
        raise Http404("Unknown key type.")
    form = KeyForm(request.POST, prefix=key_type)
    shown: KeyForm | None = form  # None: a fresh form after a key was issued
    revealed = None
    if form.is_valid():
        try:
            revealed = access.generate_key(
                app=app,
                key_type=key_type,
                actor=request.user,
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
            )
        except TollgateError as exc:
            apply_errors(form, exc)
        else:
            shown = None
    side = keyset(app, key_type, form=shown, revealed=revealed)
    return _render_side(request, app, side)


@developer_view
@require_POST
def revoke(request: DeveloperRequest, app_id: int, key_id: int) -> HttpResponse:
    app = own_application(request, app_id)
    key = get_object_or_404(ApiKey, pk=key_id, application=app)
    access.revoke_key(key=key, actor=request.user)
    messages.success(request, f"Key {key.prefix}… revoked; calls with it now fail.")
    if not request.htmx:
        return redirect("devportal:application", app_id=app.pk)
    return _render_side(request, app, keyset(app, key.key_type))


@developer_view
@require_POST
def regenerate(request: DeveloperRequest, app_id: int, key_id: int) -> HttpResponse:
    app = own_application(request, app_id)
    key = get_object_or_404(ApiKey, pk=key_id, application=app, revoked_at__isnull=True)
    revealed = access.regenerate_key(key=key, actor=request.user)
    messages.success(request, f"Key {key.prefix}… revoked and replaced by a new key.")
    return _render_side(request, app, keyset(app, key.key_type, revealed=revealed))


def _render_side(request: PortalRequest, app, side: dict) -> HttpResponse:
    """The key list of one side; the whole page without htmx (a new key is shown in place,
    never carried through a redirect or the session)."""
    context = detail_context(request, app, **{side["key_type"]: side})
    response = render_page(request, TEMPLATE, {**context, "side": side}, partial="keyset")
    return no_store(response)
