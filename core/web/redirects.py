"""Where a `next` parameter may send the browser: this site only, else a safe fallback."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, value: str | None, fallback: str = "home") -> str:
    """`value` when it is a URL of this host (https-only on a secure request); otherwise the
    fallback (a URL name or path). Never raises, whatever the value holds."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return resolve_url(fallback)


def next_of(request: HttpRequest, fallback: str = "home") -> str:
    """The request's `next` (POST first, then the query string), made safe."""
    return safe_next(request, request.POST.get("next") or request.GET.get("next"), fallback)
