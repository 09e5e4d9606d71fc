"""Invitations are bound to the invited address: opening the link changes nothing; accepting is
a POST by a signed-in user whose verified address is the invited one, or a sign-up with that
address; an invitation works once, expires, can be revoked, is listed with its state, and every
step is audited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog, Invitation, Membership
from core.services import accounts, invitations
from core.tenancy import SESSION_KEY

NEW = {"username": "newcomer", "email": "new@acme.test", "password": "Wide-river-42!"}


@pytest.fixture
def invited(personas) -> tuple[Invitation, str]:
    """An invitation of new@acme.test to acme, as admin."""
    return invitations.invite(
        tenant=personas.tenant, email="New@Acme.test", roles=["admin"], actor=personas.admin
    )


def link(token: str) -> str:
    return reverse("accept-invitation", args=[token])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def is_member(user, tenant) -> bool:
    return Membership.objects.filter(user=user, tenant=tenant).exists()


def test_another_tenants_user_cannot_take_the_invitation(personas, invited) -> None:
    invitation, token = invited
    client = signed_in(personas.outsider)  # globex's admin, admin@globex.test
    page = client.get(link(token))
    assert page.status_code == 200 and "not the invited one" in page.content.decode()
    refused = client.post(link(token), {"action": "accept"})
    assert refused.status_code == 403
    assert not is_member(personas.outsider, personas.tenant)
    assert client.session.get(SESSION_KEY) != "acme"
    invitation.refresh_from_db()
    assert invitation.state == "pending"
    audit = AuditLog.objects.get(action="invitation.refuse")
    assert audit.actor == personas.outsider and audit.changes == {"reason": "address"}


def test_a_user_with_another_address_cannot_take_it(personas, invited, django_user_model):
    _, token = invited
    stranger = django_user_model.objects.create_user("stranger", "other@acme.test", "pw")
    accounts.mark_verified(stranger)
    assert signed_in(stranger).post(link(token), {"action": "accept"}).status_code == 403
    assert not Membership.objects.filter(user=stranger).exists()


def test_opening_the_link_changes_nothing(personas, invited, django_user_model) -> None:
    invitation, token = invited
    owner = django_user_model.objects.create_user("owner", "new@acme.test", "pw")
    accounts.mark_verified(owner)
    client = signed_in(owner)
    assert client.get(link(token)).status_code == 200
    assert not is_member(owner, personas.tenant)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_the_verified_owner_accepts_once(personas, invited, django_user_model) -> None:
    invitation, token = invited
    owner = django_user_model.objects.create_user("owner", "NEW@acme.test", "pw")
    accounts.mark_verified(owner)
    client = signed_in(owner)
    accepted = client.post(link(token), {"action": "accept"})
    assert accepted.status_code == 302
    assert Membership.objects.get(user=owner, tenant=personas.tenant).roles == ["admin"]
    assert client.session[SESSION_KEY] == "acme"
    invitation.refresh_from_db()
    assert invitation.state == "accepted" and invitation.accepted_by == owner
    again = client.post(link(token), {"action": "accept"})
    assert again.status_code == 404  # single use
    actions = list(AuditLog.objects.filter(tenant=personas.tenant).values_list("action", flat=True))
    assert "member.join" in actions


def test_an_unverified_address_is_confirmed_by_email_first(personas, invited, django_user_model):
    _, token = invited
    owner = django_user_model.objects.create_user("owner", "new@acme.test", "pw")
    client = signed_in(owner)
    assert "not confirmed" in client.get(link(token)).content.decode()
    assert client.post(link(token), {"action": "accept"}).status_code == 403
    assert AuditLog.objects.get(action="invitation.refuse").changes == {"reason": "unverified"}
    client.post(link(token), {"action": "confirm-address"})
    assert mail.outbox[-1].to == ["new@acme.test"]
    confirm = re.search(r"http\S+/accounts/verify/\S+", mail.outbox[-1].body).group(0)
    back = client.get(confirm.removeprefix("http://testserver"))
    assert back.status_code == 302 and back["Location"] == link(token)
    assert client.post(link(token), {"action": "accept"}).status_code == 302
    assert is_member(owner, personas.tenant)


def test_sign_up_with_the_invited_address_joins(personas, invited) -> None:
    _, token = invited
    client = Client()
    wrong = client.post(link(token), {**NEW, "email": "someone@else.test"})
    assert wrong.status_code == 400
    assert "the address this invitation was sent to" in wrong.content.decode()
    assert not Membership.objects.filter(user__username="newcomer").exists()
    joined = client.post(link(token), NEW)
    assert joined.status_code == 302
    user = Membership.objects.get(user__username="newcomer", tenant=personas.tenant).user
    assert accounts.has_verified_email(user, "new@acme.test")


@pytest.mark.parametrize("ending", ["expired", "revoked"])
def test_an_expired_or_revoked_invitation_is_dead(personas, invited, ending) -> None:
    invitation, token = invited
    if ending == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    else:
        invitations.revoke(invitation=invitation, actor=personas.admin)
    assert Client().get(link(token)).status_code == 404
    assert Client().post(link(token), NEW).status_code == 404
    invitation.refresh_from_db()
    assert invitation.state == ending


def test_rest_lists_states_and_revokes(personas, invited) -> None:
    from rest_framework.test import APIClient

    def client_for(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    invitation, _ = invited
    expired, _ = invitations.invite(
        tenant=personas.tenant, email="late@acme.test", roles=["subscriber"], actor=personas.admin
    )
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    admin = client_for(personas.admin)
    base = "/api/v1/tenants/acme/invitations/"
    listed = {row["email"]: row["state"] for row in admin.get(base).json()["results"]}
    assert listed == {"new@acme.test": "pending", "late@acme.test": "expired"}
    assert admin.delete(f"{base}{invitation.pk}/").status_code == 204
    detail = admin.get(f"{base}{invitation.pk}/").json()
    assert detail["state"] == "revoked" and detail["revoked_by"] == "admin1"
    assert AuditLog.objects.filter(action="invitation.revoke", actor=personas.admin).exists()
    outsider = client_for(personas.outsider)
    assert outsider.delete(f"/api/v1/tenants/globex/invitations/{expired.pk}/").status_code == 404


def test_portal_lists_states_and_revokes(personas, invited) -> None:
    invitation, _ = invited
    client = signed_in(personas.admin)
    members = reverse("publisher:members")
    page = client.get(members).content.decode()
    assert "new@acme.test" in page and "Pending" in page and "Revoke" in page
    client.post(members, {"action": "revoke-invitation", "invitation": invitation.pk})
    invitation.refresh_from_db()
    assert invitation.state == "revoked"
    assert "Revoked" in client.get(members).content.decode()
