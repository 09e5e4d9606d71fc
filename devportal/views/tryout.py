"""Try Out: the console page, Get Test Key, and the relay that carries the console's calls."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import TollgateError
from core.models import EndpointKind
from core.permissions import can
from core.web.relay import MAX_BODY_BYTES, RelayRequest, relay
from core.web.rendering import render_page
from devportal import catalog
from devportal.forms import TestKeyForm
from devportal.portal import DeveloperRequest, PortalRequest, browse_view, developer_view
from devportal.tryout import issue_test_key
from devportal.views.common import no_store

TEMPLATE = "devportal/tryout.html"


def console_context(request: PortalRequest, api, **extra) -> dict:
    urls = catalog.gateway_urls(api)
    endpoints = {kind for url in urls for kind in EndpointKind.values if getattr(url, kind)}
    return {
        "api": api,
        "operations": catalog.operations(api),
        "preferred": catalog.preferred_operation(catalog.operations(api)),
        "callable": catalog.is_callable(api),
        "base_url": catalog.tryout_base_url(api),
        "endpoint_kinds": endpoints,
        "key_form": TestKeyForm(),
        "section": "apis",
        **extra,
    }


@browse_view
def console(request: PortalRequest, api_uuid) -> HttpResponse:
    api = catalog.get_visible_api(request.portal.tenant, api_uuid)
    return render_page(request, TEMPLATE, console_context(request, api))


@developer_view
@require_POST
def test_key(request: DeveloperRequest, api_uuid) -> HttpResponse:
    api = catalog.get_visible_api(request.portal.tenant, api_uuid)
    form = TestKeyForm(request.POST)
    issued, error = None, None
    if not catalog.is_callable(api):
        error = f"{api.name} is not deployed yet, so it cannot be called."
    elif form.is_valid():
        try:
            issued = issue_test_key(
                portal=request.portal,
                api=api,
                user=request.user,
                key_type=form.cleaned_data["key_type"],
                current_key=form.cleaned_data["current_key"],
            )
        except TollgateError as exc:
            error = exc.message
    else:
        error = "Choose production or sandbox."
    context = console_context(request, api, key_form=form, issued=issued, key_error=error)
    return no_store(render_page(request, TEMPLATE, context, partial="keypanel"))


@require_http_methods(["GET", "POST"])
async def relay_call(
    request: PortalRequest, api_uuid, operation: str
) -> HttpResponse | StreamingHttpResponse:
    target = await sync_to_async(_relay_target)(request, api_uuid, "/" + operation)
    if isinstance(target, HttpResponse):
        return target
    return await relay(target)


def _relay_target(request: PortalRequest, api_uuid, path: str) -> RelayRequest | HttpResponse:
    """Everything the relay checks before it calls the gateway (sync: it reads the DB)."""
    membership, method = request.membership, request.method or "GET"
    if (
        not request.user.is_authenticated
        or membership is None
        or not can(membership, "devportal.use")
    ):
        return _error(403, "forbidden", "Sign in as a developer of this tenant to try out APIs.")
    api = catalog.visible_apis(membership.tenant).filter(uuid=api_uuid).first()
    if api is None or not catalog.is_callable(api):
        return _error(404, "not_found", "No such deployed API in this tenant.")
    if not any(op.matches(method, path) for op in catalog.operations(api)):
        return _error(404, "unknown_operation", f"{api.name} has no {method} {path}.")
    key = request.headers.get("X-Tryout-Key", "").strip()
    if not key:
        return _error(400, "missing_key", "Get a test key or paste a key first.")
    body = request.body if method == "POST" else b""
    if len(body) > MAX_BODY_BYTES:
        return _error(413, "body_too_large", "The console sends at most 1 MB.")
    return RelayRequest(
        method=method,
        url=catalog.tryout_base_url(api) + path,
        key=key,
        body=body,
        content_type=request.content_type or "application/json",
    )


def _error(status: int, code: str, message: str) -> JsonResponse:
    body = {"error": {"message": message, "type": "tryout_error", "code": code}}
    return JsonResponse(body, status=status, headers={"X-Tryout-Upstream-Headers": ""})
