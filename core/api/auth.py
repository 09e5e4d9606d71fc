"""Personal access tokens for scripts: `Authorization: Bearer tgpat_...`.

A token is checked for its digest, revocation, expiry and owner; a read-only token may only
read; a token sees one tenant with the roles it carries; a client address that keeps failing
is locked out (core.signin). Tokens are managed from a signed-in session, never with a token.
"""

from __future__ import annotations

import hmac

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions

from core import selectors
from core.errors import NotFound
from core.models import Membership, PersonalAccessToken, TokenAccess
from core.secrets import hash_key
from core.services.tokens import (
    PAT_PREFIX,
    create_token,
    narrow,
    note_use,
    revoke_token,
    token_prefix,
)
from core.signin import TOKEN_CHANNEL

__all__ = [
    "PAT_PREFIX",
    "PersonalAccessTokenAuthentication",
    "SessionOnly",
    "create_token",
    "membership_of_request",
    "revoke_token",
    "token_prefix",
]


class PersonalAccessTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        scheme, _, credential = header.partition(" ")
        if scheme != self.keyword or not credential.startswith(PAT_PREFIX):
            return None
        http_request = request._request
        lookup = credential[len(PAT_PREFIX) : len(PAT_PREFIX) + 16]
        attempt = {"via": TOKEN_CHANNEL, "token": token_prefix_of(lookup)}
        if not AxesProxyHandler.is_allowed(http_request, attempt):
            http_request.axes_locked_out = True  # AxesMiddleware answers with the lockout
            raise exceptions.AuthenticationFailed("Too many failed attempts.")
        token = PersonalAccessToken.objects.select_related("user").filter(lookup=lookup).first()
        problem = _problem(token, credential)
        if problem or token is None:
            _fail(http_request, attempt, token)
            raise exceptions.AuthenticationFailed(problem)
        if token.access == TokenAccess.READ and request.method not in permissions.SAFE_METHODS:
            raise exceptions.PermissionDenied("This token is read-only.")
        note_use(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


def token_prefix_of(lookup: str) -> str:
    return PAT_PREFIX + lookup[:6]


def _problem(token: PersonalAccessToken | None, credential: str) -> str | None:
    if token is None or not hmac.compare_digest(token.digest, hash_key(credential)):
        return "Invalid access token."
    if not token.is_active:
        return "This access token is revoked or expired."
    if not token.user.is_active:
        return "This user is inactive."
    return None


def _fail(http_request, attempt: dict, token: PersonalAccessToken | None) -> None:
    credentials = dict(attempt)
    if token is not None:
        credentials.update(username=token.user.get_username(), user_id=token.user_id)
    user_login_failed.send(sender=__name__, credentials=credentials, request=http_request)


def membership_of_request(request, tenant_slug: str) -> Membership:
    """The caller's membership in a tenant as their credential sees it: a token reaches only
    its own tenant (another answers 404, as if it did not exist) with only its roles."""
    membership = selectors.membership_for(request.user, tenant_slug)
    if isinstance(request.auth, PersonalAccessToken):
        narrowed = narrow(membership, request.auth)
        if narrowed is None:
            raise NotFound("Tenant not found.")
        return narrowed
    return membership


class SessionOnly(permissions.BasePermission):
    """Tokens cannot list, create or revoke tokens: a leaked token cannot mint more."""

    message = "Manage access tokens from a signed-in session, not with a token."

    def has_permission(self, request, view) -> bool:
        return not isinstance(request.auth, PersonalAccessToken)


class PersonalAccessTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token scheme in the OpenAPI schema (and the docs page's Authorize)."""

    target_class = PersonalAccessTokenAuthentication
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema) -> dict:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "tgpat_…"}
