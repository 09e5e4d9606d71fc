"""Personal access tokens: one tenant, a subset of the user's roles there, read-only or
read-write, always expiring. The plaintext is returned once; only its HMAC is stored."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import InvalidInput
from core.models import Membership, PersonalAccessToken, Tenant, TokenAccess
from core.secrets import hash_key, random_text
from core.services.audit import record

PAT_PREFIX = "tgpat_"


def token_prefix(token: PersonalAccessToken) -> str:
    """The visible start of a token, enough to recognise it in a list."""
    return PAT_PREFIX + token.lookup[:6]


def _membership(user, tenant: Tenant | None) -> Membership:
    memberships = Membership.objects.filter(user=user).select_related("tenant")
    if tenant is None:
        only = list(memberships[:2])
        if len(only) == 1:
            return only[0]
        raise InvalidInput("Choose a tenant.", fields={"tenant": ["Name one of your tenants."]})
    found = memberships.filter(tenant=tenant).first()
    if found is None:
        raise InvalidInput("Not a member.", fields={"tenant": ["You are not a member there."]})
    return found


def _roles(membership: Membership, roles: list[str] | None) -> list[str]:
    if roles is None:
        return sorted(membership.roles)
    if not roles or not set(roles) <= set(membership.roles):
        allowed = ", ".join(sorted(membership.roles))
        raise InvalidInput("Invalid roles.", fields={"roles": [f"Choose among yours: {allowed}."]})
    return sorted(set(roles))


def _expiry(expires_at: datetime | None) -> datetime:
    now = timezone.now()
    if expires_at is None:
        return now + timedelta(days=settings.TOKEN_DEFAULT_DAYS)
    if expires_at <= now:
        raise InvalidInput("Expiry in the past.", fields={"expires_at": ["Must be in the future."]})
    if expires_at > now + timedelta(days=settings.TOKEN_MAX_DAYS):
        raise InvalidInput(
            "Expiry too far.",
            fields={"expires_at": [f"At most {settings.TOKEN_MAX_DAYS} days from now."]},
        )
    return expires_at


@transaction.atomic
def create_token(
    *,
    user,
    name: str,
    access: str,
    tenant: Tenant | None = None,
    roles: list[str] | None = None,
    expires_at: datetime | None = None,
) -> tuple[PersonalAccessToken, str]:
    """Create a token; `tenant` may be left out by a member of exactly one tenant, `roles`
    defaults to all of the user's roles there, `expires_at` to TOKEN_DEFAULT_DAYS from now."""
    if access not in TokenAccess.values:
        raise InvalidInput("Invalid access.", fields={"access": ["read or write"]})
    membership = _membership(user, tenant)
    lookup = random_text(16)
    plaintext = PAT_PREFIX + lookup + random_text(32)
    token = PersonalAccessToken.objects.create(
        user=user,
        tenant=membership.tenant,
        name=name,
        access=access,
        roles=_roles(membership, roles),
        lookup=lookup,
        digest=hash_key(plaintext),
        expires_at=_expiry(expires_at),
    )
    record(
        tenant=membership.tenant,
        actor=user,
        action="token.create",
        obj=token,
        changes={
            "name": name,
            "prefix": token_prefix(token),
            "access": access,
            "roles": token.roles,
            "expires_at": token.expires_at.isoformat(),
        },
    )
    return token, plaintext


@transaction.atomic
def revoke_token(*, token: PersonalAccessToken, actor) -> PersonalAccessToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            tenant=token.tenant,
            actor=actor,
            action="token.revoke",
            obj=token,
            changes={"prefix": token_prefix(token)},
        )
    return token


def narrow(membership: Membership, token: PersonalAccessToken) -> Membership | None:
    """The membership as the token sees it: None in another tenant, else only the roles both
    the token and the member still hold (a role the member lost is gone from the token too).
    The result is for permission checks only and is never saved."""
    if token.tenant_id != membership.tenant_id:
        return None
    membership.roles = [role for role in membership.roles if role in token.roles]
    return membership


def note_use(token: PersonalAccessToken) -> None:
    """Record the last use, at most once a minute (no write per call of a busy script)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
