"""Invitations bound to the invited address: single use, expiring, revocable, audited.

Accepting needs a signed-in user whose verified address is the invited one, or a sign-up with
that address (the link was mailed there, so the new account's address counts as verified).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, Forbidden, InvalidInput
from core.models import Invitation, InvitationState, Membership, Tenant
from core.secrets import hash_key
from core.services import accounts
from core.services.audit import record
from core.services.tenants import clean_roles

INVITATION_DAYS = 7


class InvitationRefused(Forbidden):
    code = "invitation_refused"


@dataclass(frozen=True)
class NewAccount:
    username: str
    email: str
    password: str


def normalise_email(email: str) -> str:
    return email.strip().lower()


@transaction.atomic
def invite(*, tenant: Tenant, email: str, roles: list[str], actor) -> tuple[Invitation, str]:
    """Create an invitation; returns it with the one-time token for the email link."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        tenant=tenant,
        email=normalise_email(email),
        roles=clean_roles(roles),
        token_digest=hash_key(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    record(
        tenant=tenant,
        actor=actor,
        action="member.invite",
        obj=invitation,
        changes={"email": invitation.email, "roles": invitation.roles},
    )
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    """The pending invitation of a link's token; None once used, revoked or expired."""
    found = (
        Invitation.objects.select_related("tenant", "invited_by")
        .filter(token_digest=hash_key(token))
        .first()
    )
    return found if found and found.state == InvitationState.PENDING else None


def refusal(invitation: Invitation, user) -> str | None:
    """Why this signed-in user may not accept, or None when they may."""
    if accounts.has_verified_email(user, invitation.email):
        return None
    if normalise_email(user.email or "") == invitation.email:
        return "unverified"
    return "address"


def accept(*, invitation: Invitation, user) -> Membership:
    """Join the tenant with the invitation's roles; once, by the invited address only. A
    refusal is audited (outside the join's transaction, so the row stays)."""
    reason = refusal(invitation, user)
    if reason is not None:
        record(
            tenant=invitation.tenant,
            actor=user,
            action="invitation.refuse",
            obj=invitation,
            changes={"reason": reason},
        )
        raise InvitationRefused(_REFUSAL_MESSAGES[reason])
    return _join(invitation, user)


@transaction.atomic
def _join(invitation: Invitation, user) -> Membership:
    locked = Invitation.objects.select_for_update().select_related("tenant").get(pk=invitation.pk)
    if locked.state != InvitationState.PENDING:
        raise Conflict(f"This invitation is {locked.state}.")
    membership, created = Membership.objects.get_or_create(
        tenant=locked.tenant, user=user, defaults={"roles": locked.roles}
    )
    if not created:
        membership.roles = sorted(set(membership.roles) | set(locked.roles))
        membership.save(update_fields=["roles"])
    locked.accepted_at, locked.accepted_by = timezone.now(), user
    locked.save(update_fields=["accepted_at", "accepted_by"])
    record(
        tenant=locked.tenant,
        actor=user,
        action="member.join",
        obj=membership,
        changes={"roles": membership.roles, "invitation": locked.pk},
    )
    return membership


@transaction.atomic
def sign_up_and_accept(*, invitation: Invitation, account: NewAccount) -> Membership:
    if normalise_email(account.email) != invitation.email:
        raise InvalidInput(
            "Wrong address.",
            fields={"email": ["Use the address this invitation was sent to."]},
        )
    user = accounts.create_user(
        username=account.username, email=account.email, password=account.password, verified=True
    )
    return accept(invitation=invitation, user=user)


@transaction.atomic
def revoke(*, invitation: Invitation, actor) -> Invitation:
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.state == InvitationState.ACCEPTED:
        raise Conflict("This invitation was accepted already; remove the member instead.")
    if locked.revoked_at is None:
        locked.revoked_at, locked.revoked_by = timezone.now(), actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        record(
            tenant=locked.tenant,
            actor=actor,
            action="invitation.revoke",
            obj=locked,
            changes={"email": locked.email},
        )
    return locked


_REFUSAL_MESSAGES = {
    "unverified": "Confirm your email address first: this invitation is for a verified address.",
    "address": "This invitation was sent to another address than your account's.",
}
