"""Test: the publisher's console for a deployed API in any state but blocked or retired,
created and prototyped included (WSO2's Test › Try Out), with an internal key."""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.views.decorators.http import require_http_methods

from core.gateway_urls import gateway_url
from core.models import AiApi, LifecycleState
from core.permissions import can
from core.web.console import operations
from core.web.relay import MAX_BODY_BYTES, RelayRequest, relay
from core.web.rendering import render_page
from core.web.requests import MemberRequest
from proxy.public import CONSOLE_PROOF_HEADER, console_proof
from publisher.console import console_key
from publisher.views.common import api_view

UNTESTABLE = frozenset({LifecycleState.BLOCKED, LifecycleState.RETIRED})


def testable(api: AiApi) -> str:
    """Why the console cannot call the API, or "" when it can."""
    if api.lifecycle_state in UNTESTABLE:
        return f"{api.name} is {api.get_lifecycle_state_display().lower()}: it takes no calls."
    if not api.deployments.exists():
        return "Deploy a revision first: the console calls the API through the gateway."
    return ""


@api_view("api.view")
def console(request: MemberRequest, api: AiApi) -> HttpResponse:
    context = {
        "api": api,
        "section": "test",
        "operations": operations(api),
        "base_url": gateway_url(api),
        "refusal": testable(api),
        "key_minutes": settings.CONSOLE_KEY_TTL_SECONDS // 60,
    }
    return render_page(request, "publisher/api_test.html", context)


@require_http_methods(["GET", "POST"])
async def relay_call(
    request: MemberRequest, api_uuid, operation: str
) -> HttpResponse | StreamingHttpResponse:
    target = await sync_to_async(_relay_target)(request, api_uuid, "/" + operation)
    if isinstance(target, HttpResponse):
        return target
    return await relay(target)


def _relay_target(request: MemberRequest, api_uuid, path: str) -> RelayRequest | HttpResponse:
    membership, method = request.membership, request.method or "GET"
    if not request.user.is_authenticated or not can(membership, "api.view"):
        return _error(403, "forbidden", "Sign in as a creator or publisher of this tenant.")
    api = request.tenant.apis.filter(uuid=api_uuid).first()
    if api is None:
        return _error(404, "not_found", "No such API in this tenant.")
    if refusal := testable(api):
        return _error(409, "not_testable", refusal)
    if not any(op.matches(method, path) for op in operations(api)):
        return _error(404, "unknown_operation", f"{api.name} has no {method} {path}.")
    body = request.body if method == "POST" else b""
    if len(body) > MAX_BODY_BYTES:
        return _error(413, "body_too_large", "The console sends at most 1 MB.")
    key = console_key(session=request.session, api=api, user=request.user)
    proof = console_proof(settings.TOLLGATE_KEY_PEPPER, key)
    return RelayRequest(
        method=method,
        url=gateway_url(api) + path,
        key=key,
        body=body,
        content_type=request.content_type or "application/json",
        headers=((CONSOLE_PROOF_HEADER, proof),),
    )


def _error(status: int, code: str, message: str) -> JsonResponse:
    body = {"error": {"message": message, "type": "console_error", "code": code}}
    return JsonResponse(body, status=status, headers={"X-Tryout-Upstream-Headers": ""})
