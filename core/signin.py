"""Sign-in throttling and lockout (django-axes), shared by portal sign-in, the REST session
sign-in and token authentication, with an audit row for every failed attempt.

Policy (settings LOGIN_FAILURES_ALLOWED, LOGIN_LOCKOUT_MINUTES): after the allowed number of
failures within the cool-off window, the next failure locks out — by username and by client
address for passwords, by client address for tokens (a token names no user until it matches).
A lockout answers 429 with Retry-After until the window passes; a successful sign-in resets.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core.models import AuditLog

TOKEN_CHANNEL = "token"
MAX_RECORDED_USERNAME = 150


def lockout_parameters(request: HttpRequest, credentials: dict | None) -> list:
    if credentials and credentials.get("via") == TOKEN_CHANNEL:
        return ["ip_address"]
    return ["username", "ip_address"]


def retry_after_seconds() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds())


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """What a locked-out client gets: the REST error shape under /api/, a page elsewhere."""
    seconds = retry_after_seconds()
    message = (
        f"Too many failed sign-in attempts: try again in {seconds // 60} minutes, or ask an "
        "administrator to unlock the account."
    )
    if request.path.startswith("/api/"):
        body = {"error": {"code": "locked_out", "message": message, "fields": {}}}
        response: HttpResponse = JsonResponse(body, status=429)
    else:
        context = {"message": message, "minutes": seconds // 60}
        response = render(request, "registration/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response


def channel_of(request: HttpRequest, credentials: dict) -> str:
    if credentials.get("via"):
        return str(credentials["via"])
    if request.path.startswith("/api/"):
        return "rest-session"
    return "admin" if request.path.startswith("/admin/") else "portal"


def record_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    """user_login_failed: one audit row per failed attempt. Attempts refused by a lockout that
    already held write nothing (axes marks them before this receiver runs)."""
    if request is None:
        return
    locked = bool(getattr(request, "axes_locked_out", False))
    if locked and getattr(request, "axes_failures_since_start", None) is None:
        return
    username = str(credentials.get("username") or "")[:MAX_RECORDED_USERNAME]
    AuditLog.objects.create(
        tenant=None,
        actor=None,
        action="auth.lockout" if locked else "auth.failure",
        object_type="user",
        object_id=str(credentials.get("user_id") or ""),
        object_repr=username,
        changes={
            "via": channel_of(request, credentials),
            "ip": getattr(request, "axes_ip_address", None) or request.META.get("REMOTE_ADDR"),
            "failures": getattr(request, "axes_failures_since_start", None),
        },
    )


def connect_signals() -> None:
    # Connected after django-axes' own receiver (axes comes first in INSTALLED_APPS), so the
    # request already carries the attempt's count and lockout flag.
    user_login_failed.connect(record_failure, dispatch_uid="tollgate-record-sign-in-failure")
