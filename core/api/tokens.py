"""A script's first personal access token, from a username and a password, without a browser.

Throttled like every sign-in (core.signin, django-axes): the failures count against the
username and the client address, and a locked-out caller gets 429 with Retry-After. The token
follows the same rules as one made from a session: one tenant, a subset of the user's roles,
read-only unless asked, always expiring.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response

from core.api.auth import create_token
from core.api.base import parse
from core.api.me import NewTokenSerializer, TokenInput
from core.api.session import WrongCredentials
from core.errors import InvalidInput
from core.models import Tenant


class PasswordTokenInput(TokenInput):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True)

    def validate_tenant(self, slug: str) -> str:  # type: ignore[override]
        return slug  # looked up only once the credentials are right: 401 comes first


class PasswordTokenView(generics.GenericAPIView):
    """Answers the new token once, as `POST me/tokens/` does from a session. No session is
    opened and no CSRF token is needed: the credentials travel in the body."""

    serializer_class = NewTokenSerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []

    @extend_schema(
        request=PasswordTokenInput,
        responses={201: NewTokenSerializer},
        examples=[
            OpenApiExample(
                "A read-write token for CI",
                value={
                    "username": "alice",
                    "password": "…",
                    "name": "ci",
                    "tenant": "acme",
                    "access": "write",
                    "roles": ["creator", "publisher"],
                },
                request_only=True,
            )
        ],
    )
    def post(self, request):
        data = parse(PasswordTokenInput, request)
        username, password = data.pop("username"), data.pop("password")
        user = authenticate(request._request, username=username, password=password)
        if user is None:
            raise WrongCredentials()
        if "tenant" in data:
            data["tenant"] = Tenant.objects.filter(slug=data["tenant"]).first()
            if data["tenant"] is None:
                raise InvalidInput(
                    "Not a member.", fields={"tenant": ["You are not a member there."]}
                )
        token, plaintext = create_token(user=user, **data)
        body = NewTokenSerializer(token, context={"plaintext": plaintext}).data
        return Response(body, status=status.HTTP_201_CREATED)
