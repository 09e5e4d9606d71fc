"""Session sign-in for browser clients of the REST API (scripts use access tokens).

Throttled like the portal's sign-in (core.signin): after the allowed failures the next one is
locked out with 429 and Retry-After. CSRF-protected, so no page elsewhere can sign a browser in.
"""

from __future__ import annotations

from django.contrib.auth import authenticate, login, logout
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, permissions, serializers, status
from rest_framework.response import Response

from core.api.base import StrictSerializer, parse
from core.api.me import MeSerializer


class WrongCredentials(exceptions.APIException):
    """401 even though session authentication sends no WWW-Authenticate challenge."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Wrong username or password."
    default_code = "not_authenticated"


class SessionInput(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)


class SessionStateSerializer(serializers.Serializer):
    user = MeSerializer(allow_null=True)


class SignInPermission(permissions.BasePermission):
    """Anyone may sign in or look; signing out needs a session."""

    def has_permission(self, request, view) -> bool:
        return request.method != "DELETE" or bool(request.user and request.user.is_authenticated)


@method_decorator(csrf_protect, name="dispatch")
class SessionView(generics.GenericAPIView):
    """GET sets the CSRF cookie and says who is signed in; POST signs in; DELETE signs out."""

    serializer_class = SessionStateSerializer
    permission_classes = [SignInPermission]
    anonymous_methods = ("GET", "POST")

    @method_decorator(ensure_csrf_cookie)
    def get(self, request):
        user = request.user if request.user.is_authenticated else None
        return Response(self._state(request, user))

    @extend_schema(request=SessionInput, responses={200: SessionStateSerializer})
    def post(self, request):
        data = parse(SessionInput, request)
        user = authenticate(request._request, username=data["username"], password=data["password"])
        if user is None:
            raise WrongCredentials()
        login(request._request, user)
        return Response(self._state(request, user))

    @extend_schema(responses={204: None})
    def delete(self, request):
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _state(self, request, user) -> dict:
        return {"user": MeSerializer(user, context={"request": request}).data if user else None}
