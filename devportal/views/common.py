"""What the portal's views share: response headers and the developer's own applications."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404

from core.models import Application
from devportal.portal import DeveloperRequest


def no_store(response: HttpResponse) -> HttpResponse:
    """For responses that show a key's plaintext: never cached by the browser or a proxy."""
    response.headers["Cache-Control"] = "no-store"
    return response


def own_application(request: DeveloperRequest, app_id: int) -> Application:
    """One of the signed-in developer's applications in the current tenant; 404 otherwise."""
    return get_object_or_404(
        Application, pk=app_id, tenant=request.portal.tenant, owner=request.user
    )


def own_applications(request: DeveloperRequest):
    return Application.objects.filter(tenant=request.portal.tenant, owner=request.user)
