"""Personal access tokens for scripts: `Authorization: Bearer tgpat_...`."""

from __future__ import annotations

import hmac
import secrets
import string

from django.utils import timezone
from rest_framework import authentication, exceptions

from core.models import PersonalAccessToken
from core.secrets import hash_key

PAT_PREFIX = "tgpat_"
ALPHABET = string.ascii_letters + string.digits


def create_token(*, user, name: str, expires_at=None) -> tuple[PersonalAccessToken, str]:
    lookup = "".join(secrets.choice(ALPHABET) for _ in range(16))
    plaintext = PAT_PREFIX + lookup + "".join(secrets.choice(ALPHABET) for _ in range(32))
    token = PersonalAccessToken.objects.create(
        user=user, name=name, lookup=lookup, digest=hash_key(plaintext), expires_at=expires_at
    )
    return token, plaintext


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
