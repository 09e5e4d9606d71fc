"""Rendering shared by both portals: a whole page, or the piece htmx asked for."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """The whole page, or only the named partial when htmx asked for it (not when htmx
    restores a page from history: that needs the whole page). `Vary: HX-Request`, so a cache
    never serves the piece for the page or the page for the piece."""
    htmx = getattr(request, "htmx", None)
    wants_part = bool(partial and htmx and not htmx.history_restore_request)
    name = f"{template}#{partial}" if wants_part else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response
