"""One error shape for the REST API: {"error": {"code", "message", "fields"}}."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from core.errors import TollgateError


def exception_handler(exc, context):
    if isinstance(exc, TollgateError):
        body = {"error": {"code": exc.code, "message": exc.message, "fields": exc.fields}}
        return Response(body, status=exc.status)
    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = (
            response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data}
        )
        response.data = {
            "error": {"code": "invalid_input", "message": "Invalid input.", "fields": fields}
        }
    else:
        code = getattr(exc, "default_code", "error")
        if isinstance(exc, Http404):
            code = "not_found"
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {"error": {"code": str(code), "message": str(detail), "fields": {}}}
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response.data["error"]["code"] = "not_authenticated"
    return response


def _envelope(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


@csrf_exempt  # it changes nothing: a POST to a path that does not exist is a 404 too
def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any path under /api/v1/ that no route matches: the envelope, not Django's HTML page."""
    return _envelope(404, "not_found", "No such route.")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's CSRF refusal: the envelope under /api/, Django's page elsewhere."""
    if request.path.startswith("/api/"):
        return _envelope(403, "permission_denied", f"CSRF Failed: {reason}")
    return django_csrf_failure(request, reason=reason)
