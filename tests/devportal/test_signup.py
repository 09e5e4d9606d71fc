"""Developers join a tenant by self sign-up (when the tenant allows it) or by invitation."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from core.models import Membership
from core.services import invitations as invitation_services

pytestmark = pytest.mark.django_db
NEW_DEVELOPER = {"username": "newdev", "email": "new@dev.test", "password": "Wide-river-42!"}


def test_self_sign_up_makes_a_subscriber_and_opens_the_portal(personas):
    client = Client()
    response = client.post(reverse("signup", args=["acme"]), NEW_DEVELOPER, follow=True)
    membership = Membership.objects.get(user__username="newdev")
    assert membership.tenant == personas.tenant and membership.roles == ["subscriber"]
    assert response.redirect_chain[-1][0] == reverse("devportal:index")
    assert response.context["portal"].can_develop
    assert client.get(reverse("devportal:applications")).status_code == 200


def test_sign_up_form_shows_field_errors(personas):
    url = reverse("signup", args=["acme"])
    response = Client().post(url, {**NEW_DEVELOPER, "email": "nope", "password": "short"})
    assert set(response.context["form"].errors) == {"email", "password"}
    response = Client().post(url, {**NEW_DEVELOPER, "username": "subscriber1"})
    assert response.context["form"].errors["username"] == ["This username is taken."]
    assert not Membership.objects.filter(user__username="newdev").exists()


def test_invitation_only_tenant_says_so_and_refuses_sign_up(personas):
    personas.tenant.allow_signup = False
    personas.tenant.save()
    page = Client().get(reverse("signup", args=["acme"])).content.decode()
    assert "by invitation" in page and "Create account" not in page
    Client().post(reverse("signup", args=["acme"]), NEW_DEVELOPER)
    assert not Membership.objects.filter(user__username="newdev").exists()


def test_join_by_invitation(personas):
    personas.tenant.allow_signup = False
    personas.tenant.save()
    _invitation, token = invitation_services.invite(
        tenant=personas.tenant, email="new@dev.test", roles=["subscriber"], actor=personas.admin
    )
    client = Client()
    client.post(reverse("accept-invitation", args=[token]), NEW_DEVELOPER)
    membership = Membership.objects.get(user__username="newdev")
    assert membership.tenant == personas.tenant and membership.roles == ["subscriber"]
    assert client.get(reverse("devportal:applications")).status_code == 200
