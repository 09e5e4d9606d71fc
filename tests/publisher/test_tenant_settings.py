"""Tenant settings: members (invite, roles, remove), plans and gateway environments."""

from __future__ import annotations

from django.core import mail
from django.urls import reverse

from core.models import GatewayEnvironment, Invitation, Plan
from core.services import invitations as invitation_services

MEMBERS = reverse("publisher:members")


def test_invite_shows_and_emails_the_link(client_as, personas):
    response = client_as("admin").post(
        MEMBERS,
        {"action": "invite", "email": "New@Acme.test", "roles": ["creator", "publisher"]},
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Invited new@acme.test; the link was emailed." in content
    invitation = Invitation.objects.get(tenant=personas.tenant)
    assert invitation.roles == ["creator", "publisher"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["new@acme.test"]
    link = next(w for w in mail.outbox[0].body.split() if "/accounts/invitation/" in w)
    assert link in content
    assert invitation_services.find_invitation(link.rstrip("/").rsplit("/", 1)[1]) == invitation


def test_invite_needs_a_valid_email_and_a_role(client_as):
    response = client_as("admin").post(MEMBERS, {"action": "invite", "email": "nope"})
    content = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_email_error"' in content and 'id="id_roles_error"' in content
    assert not mail.outbox


def test_change_roles(client_as, personas):
    data = {
        "action": "roles",
        "member": personas.creator.pk,
        f"m{personas.creator.pk}-roles": ["creator", "publisher"],
    }
    client = client_as("admin")
    response = client.post(MEMBERS, data)
    assert response.status_code == 302
    assert personas.creator.memberships.get().roles == ["creator", "publisher"]
    assert "Changed creator1&#x27;s roles." in client.get(MEMBERS).content.decode()


def test_the_last_admin_keeps_the_admin_role(client_as, personas):
    data = {
        "action": "roles",
        "member": personas.admin.pk,
        f"m{personas.admin.pk}-roles": ["creator"],
    }
    response = client_as("admin").post(MEMBERS, data)
    assert response.status_code == 409
    assert "at least one admin" in response.content.decode()


def test_remove_asks_then_removes(client_as, personas):
    client = client_as("admin")
    data = {"action": "remove", "member": personas.subscriber.pk}
    page = client.post(MEMBERS, data).content.decode()
    assert "Remove subscriber1 from Acme?" in page
    assert personas.subscriber.memberships.exists()
    client.post(MEMBERS, {**data, "confirmed": "1"})
    assert not personas.subscriber.memberships.exists()


def test_plan_create_edit_delete(client_as, personas):
    client = client_as("admin")
    data = {
        "name": "Team",
        "request_limit": 100,
        "total_token_limit": 50000,
        "unit_seconds": 3600,
        "stop_on_quota": "on",
    }
    assert client.post(reverse("publisher:plans"), data).status_code == 302
    plan = Plan.objects.get(tenant=personas.tenant, name="Team")
    assert (plan.total_token_limit, plan.unit_seconds, plan.stop_on_quota) == (50000, 3600, True)
    edit = reverse("publisher:plan-edit", args=[plan.pk])
    client.post(edit, {**data, "stop_on_quota": ""})
    plan.refresh_from_db()
    assert plan.stop_on_quota is False
    client.post(edit, {"action": "delete"})
    assert not Plan.objects.filter(pk=plan.pk).exists()


def test_duplicate_plan_name_is_a_field_error(client_as):
    response = client_as("admin").post(
        reverse("publisher:plans"), {"name": "Gold", "unit_seconds": 60}
    )
    assert response.status_code == 400
    assert "A plan named Gold exists." in response.content.decode()


def test_environment_create_edit_delete(client_as, personas):
    client = client_as("admin")
    data = {"slug": "eu", "name": "EU", "gateway_url": "https://eu.gw.acme.test"}
    assert client.post(reverse("publisher:environments"), data).status_code == 302
    env = GatewayEnvironment.objects.get(tenant=personas.tenant, slug="eu")
    edit = reverse("publisher:environment-edit", args=["eu"])
    client.post(edit, {"slug": "changed", "name": "Europe", "gateway_url": ""})
    env.refresh_from_db()
    assert (env.slug, env.name) == ("eu", "Europe")
    client.post(edit, {"action": "delete"})
    assert not GatewayEnvironment.objects.filter(pk=env.pk).exists()


def test_duplicate_environment_slug_and_bad_url(client_as):
    response = client_as("admin").post(
        reverse("publisher:environments"),
        {"slug": "default", "name": "Again", "gateway_url": "not-a-url"},
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_gateway_url_error"' in content


def test_the_default_environment_cannot_be_deleted(client_as):
    edit = reverse("publisher:environment-edit", args=["default"])
    response = client_as("admin").post(edit, {"action": "delete"}, follow=True)
    assert "The default environment cannot be deleted." in response.content.decode()
