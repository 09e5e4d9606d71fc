"""What every publisher view shares: access checks, tenant-scoped lookups, confirmations."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from core.permissions import PERMISSIONS, can
from core.web.requests import MemberRequest

View = Callable[..., HttpResponse]


def roles_needed(permission: str) -> str:
    roles = sorted(PERMISSIONS[permission])
    return " or ".join([*roles, "admin"]) if roles else "admin"


def forbidden(request: MemberRequest, permission: str) -> HttpResponse:
    context = {"permission": permission, "roles_needed": roles_needed(permission)}
    return render(request, "publisher/forbidden.html", context, status=403)


def portal_view(permission: str = "api.view") -> Callable[[View], View]:
    """Sign-in required; without the permission the page answers 403."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: MemberRequest, *args, **kwargs) -> HttpResponse:
            if not can(request.membership, permission):
                return forbidden(request, permission)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def api_view(permission: str = "api.view") -> Callable[[View], View]:
    """Like portal_view, and passes the tenant's API named in the URL (another tenant's: 404)."""

    def decorator(view: View) -> View:
        @portal_view("api.view")
        @wraps(view)
        def wrapped(request: MemberRequest, api_uuid, *args, **kwargs) -> HttpResponse:
            api = get_object_or_404(
                request.tenant.apis.select_related("vendor_version__vendor"), uuid=api_uuid
            )
            if not can(request.membership, permission):
                return forbidden(request, permission)
            return view(request, api, *args, **kwargs)

        return wrapped

    return decorator


def require_perm(request: MemberRequest, permission: str) -> HttpResponse | None:
    """A 403 response when the member lacks the permission, else None."""
    return None if can(request.membership, permission) else forbidden(request, permission)


def finish(request: MemberRequest, message: str, url: str) -> HttpResponse | None:
    """Record the confirmation; a plain form post redirects, an htmx one re-renders (None)."""
    messages.success(request, message)
    return None if request.htmx else redirect(url)


def status_of(*forms) -> int:
    return 400 if any(form is not None and form.errors for form in forms) else 200
