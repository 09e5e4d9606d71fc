"""Personal access tokens for scripts: `Authorization: Bearer tgpat_...`."""

from __future__ import annotations

import hmac

from django.db import transaction
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from core.errors import InvalidInput
from core.models import PersonalAccessToken
from core.secrets import hash_key, random_text
from core.services.audit import record

PAT_PREFIX = "tgpat_"


@transaction.atomic
def create_token(*, user, name: str, expires_at=None) -> tuple[PersonalAccessToken, str]:
    """Create a token; the plaintext is returned once and only its HMAC is stored."""
    if expires_at and expires_at <= timezone.now():
        raise InvalidInput("Expiry in the past.", fields={"expires_at": ["Must be in the future."]})
    lookup = random_text(16)
    plaintext = PAT_PREFIX + lookup + random_text(32)
    token = PersonalAccessToken.objects.create(
        user=user, name=name, lookup=lookup, digest=hash_key(plaintext), expires_at=expires_at
    )
    record(
        tenant=None,
        actor=user,
        action="token.create",
        obj=token,
        changes={"name": name, "prefix": token_prefix(token)},
    )
    return token, plaintext


@transaction.atomic
def revoke_token(*, token: PersonalAccessToken, actor) -> PersonalAccessToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            tenant=None,
            actor=actor,
            action="token.revoke",
            obj=token,
            changes={"prefix": token_prefix(token)},
        )
    return token


def token_prefix(token: PersonalAccessToken) -> str:
    """The visible start of a token, enough to recognise it in a list."""
    return PAT_PREFIX + token.lookup[:6]


class PersonalAccessTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).decode(errors="replace")
        scheme, _, credential = header.partition(" ")
        if scheme != self.keyword or not credential.startswith(PAT_PREFIX):
            return None
        lookup = credential[len(PAT_PREFIX) : len(PAT_PREFIX) + 16]
        token = PersonalAccessToken.objects.select_related("user").filter(lookup=lookup).first()
        if token is None or not hmac.compare_digest(token.digest, hash_key(credential)):
            raise exceptions.AuthenticationFailed("Invalid access token.")
        now = timezone.now()
        if token.revoked_at or (token.expires_at and token.expires_at <= now):
            raise exceptions.AuthenticationFailed("This access token is revoked or expired.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("This user is inactive.")
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


class PersonalAccessTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token scheme in the OpenAPI schema (and the docs page's Authorize)."""

    target_class = PersonalAccessTokenAuthentication
    name = "personalAccessToken"

    def get_security_definition(self, auto_schema) -> dict:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "tgpat_…"}
