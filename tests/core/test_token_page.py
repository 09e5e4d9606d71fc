"""Account › Access tokens: the page that makes tokens (tokens cannot), shows each one's
tenant, access, roles, expiry and last use, and revokes them."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import PersonalAccessToken
from core.services.tokens import create_token

PAGE = reverse("tokens")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_create_shows_the_token_once_and_lists_it(personas) -> None:
    client = signed_in(personas.creator)
    body = {"name": "deploy", "tenant": "acme", "access": "write", "days": "30"}
    page = client.post(PAGE, body).content.decode()
    token = PersonalAccessToken.objects.get(user=personas.creator)
    plaintext = next(word for word in page.split("<code>")[1:] if word.startswith("tgpat_"))
    assert plaintext.split("</code>")[0].startswith(f"tgpat_{token.lookup}")
    assert (token.access, token.roles, token.tenant) == ("write", ["creator"], personas.tenant)
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    again = client.get(PAGE).content.decode()
    assert "deploy" in again and f"tgpat_{token.lookup}" not in again
    assert "Read-write" in again and token.expires_at.strftime("%Y-%m-%d") in again


def test_field_errors(personas) -> None:
    client = signed_in(personas.creator)
    body = {"name": "x", "tenant": "acme", "access": "read", "days": "400", "roles": ["admin"]}
    response = client.post(PAGE, body)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "days" in errors
    response = client.post(PAGE, {**body, "days": "10"})
    assert "Choose among yours: creator." in response.context["form"].errors["roles"][0]
    other = client.post(PAGE, {**body, "days": "10", "roles": [], "tenant": "globex"})
    assert "tenant" in other.context["form"].errors
    assert not PersonalAccessToken.objects.exists()


def test_revoke_own_only(personas) -> None:
    mine, _ = create_token(user=personas.creator, name="mine", access="read")
    theirs, _ = create_token(user=personas.publisher, name="theirs", access="read")
    client = signed_in(personas.creator)
    assert client.post(reverse("token-revoke", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("token-revoke", args=[mine.pk])).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None and theirs.revoked_at is None


def test_anonymous_is_sent_to_sign_in(db) -> None:
    response = Client().get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
