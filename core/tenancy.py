"""The current tenant of a request: chosen in the session, defaulting to the first membership."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core.models import Membership, Tenant
from core.permissions import can
from core.web.requests import TenantRequest

SESSION_KEY = "tenant"


def memberships_of(user) -> list[Membership]:
    if not user.is_authenticated:
        return []
    return list(Membership.objects.filter(user=user).select_related("tenant"))


def pick_membership(request: HttpRequest) -> Membership | None:
    memberships = memberships_of(request.user)
    wanted = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    for membership in memberships:
        if membership.tenant.slug == wanted:
            return membership
    return memberships[0] if memberships else None


class TenantMiddleware:
    """Sets `request.tenant` and `request.membership` for the portals (None when anonymous)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: TenantRequest) -> HttpResponse:
        membership = pick_membership(request)
        request.membership = membership
        request.tenant = membership.tenant if membership else None
        return self.get_response(request)


def switch_tenant(request: HttpRequest, tenant: Tenant) -> None:
    request.session[SESSION_KEY] = tenant.slug


def tenant_context(request: HttpRequest) -> dict:
    membership = getattr(request, "membership", None)
    return {
        "current_tenant": getattr(request, "tenant", None),
        "current_membership": membership,
        "tenant_memberships": memberships_of(request.user) if hasattr(request, "user") else [],
        "perms_can": {name: can(membership, name) for name in _PORTAL_PERMISSIONS},
    }


_PORTAL_PERMISSIONS = (
    "api.view",
    "api.create",
    "api.update",
    "api.deploy",
    "api.lifecycle",
    "api.subscriptions",
    "api.analytics",
    "devportal.use",
    "tenant.manage",
)
