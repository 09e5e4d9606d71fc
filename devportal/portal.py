"""Which tenant's portal a request sees, and who may do what in it.

Members see their current tenant (the session's choice). Anonymous visitors, and signed-in
users who belong to no tenant, may browse a tenant whose portal is public: one that lets
developers sign up themselves (`Tenant.allow_signup`). They pick it with `?tenant=<slug>`
(remembered in the session), else `settings.DEFAULT_TENANT`. An invitation-only tenant's
portal is for its members only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.models import Membership, Tenant
from core.permissions import can
from core.web.requests import TenantRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SESSION_KEY = "devportal_tenant"

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Portal:
    tenant: Tenant
    membership: Membership | None

    @property
    def is_member(self) -> bool:
        return self.membership is not None

    @property
    def can_develop(self) -> bool:
        """May try out, create applications, subscribe and hold keys."""
        return can(self.membership, "devportal.use")

    @property
    def tenant_query(self) -> str:
        """Appended to catalog links so a visitor's shared link names the tenant it shows."""
        return "" if self.is_member else f"?tenant={self.tenant.slug}"


class PortalRequest(TenantRequest):
    """In a portal view: the tenant's portal it shows (set by the view decorators below)."""

    portal: Portal


class DeveloperRequest(PortalRequest):
    """In a developer view: a signed-in member who may develop."""

    user: User


def portal_context(request: HttpRequest) -> dict[str, Portal | None]:
    """Template context processor: `portal` on every page (None outside the portal)."""
    return {"portal": getattr(request, "portal", None)}


def resolve_portal(request: HttpRequest) -> Portal | None:
    membership = getattr(request, "membership", None)
    if membership is not None:
        return Portal(membership.tenant, membership)
    wanted = (
        request.GET.get("tenant") or request.session.get(SESSION_KEY) or settings.DEFAULT_TENANT
    )
    tenant = Tenant.objects.filter(slug=wanted, allow_signup=True).first()
    if tenant is None:
        return None
    if request.session.get(SESSION_KEY) != tenant.slug:
        request.session[SESSION_KEY] = tenant.slug
    return Portal(tenant, None)


def browse_view(view: View) -> View:
    """The catalog: members of the tenant, or anyone when the tenant's portal is public."""

    @wraps(view)
    def wrapper(request: PortalRequest, *args, **kwargs) -> HttpResponse:
        portal = resolve_portal(request)
        if portal is None:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            return _refuse(request, "You are not a member of any tenant's developer portal.")
        request.portal = portal
        return view(request, *args, **kwargs)

    return wrapper


def developer_view(view: View) -> View:
    """Applications, subscriptions, keys, usage and Try Out: signed-in developers only."""

    @wraps(view)
    def wrapper(request: PortalRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = getattr(request, "membership", None)
        if membership is None:
            return _refuse(request, "You are not a member of any tenant's developer portal.")
        portal = Portal(membership.tenant, membership)
        if not portal.can_develop:
            return _refuse(
                request,
                f"Your roles in {portal.tenant.name} do not include subscriber; "
                "ask an admin for it to create applications and keys.",
            )
        request.portal = portal
        return view(request, *args, **kwargs)

    return wrapper


def _refuse(request: HttpRequest, reason: str) -> HttpResponse:
    return render(request, "devportal/forbidden.html", {"reason": reason}, status=403)
