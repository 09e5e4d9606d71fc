"""Sign-up refuses names that inject markup or impersonate (look-alike letters, zero-width
characters, case variants) and weak passwords (Django's full validator set); every `next`
parameter stays on this site."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from core.models import Account
from core.services import accounts

SIGNUP = reverse("signup", args=["acme"])
GOOD = {"username": "newdev", "email": "new@dev.test", "password": "Wide-river-42!"}


def signup_errors(**overrides) -> dict:
    response = Client().post(SIGNUP, {**GOOD, **overrides})
    assert response.status_code == 200, "refused sign-ups stay on the form"
    return response.context["form"].errors


@pytest.mark.parametrize(
    "username",
    [
        '"><img src=x onerror=alert(1)>',
        "<script>",
        "new dev",
        "new\u200bdev",  # zero-width space
        "new\u200ddev",  # zero-width joiner
        "newdev\u202e",  # right-to-left override
        "",
    ],
)
def test_usernames_with_markup_spaces_or_invisible_characters_are_refused(personas, username):
    assert "username" in signup_errors(username=username)
    assert not get_user_model().objects.filter(email="new@dev.test").exists()


@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("subscriber1", "This username is taken."),
        ("\u0455ubscriber1", "mixes scripts"),  # Cyrillic dze for s
        ("\u0430dmin1", "mixes scripts"),  # Cyrillic a
        ("SUBSCRIBER1", "looks like an existing one"),
        ("subscriberl", "looks like an existing one"),  # l for 1
        ("\uff53ubscriber1", "This username is taken."),  # fullwidth s: NFKC makes it equal
    ],
)
def test_look_alikes_of_existing_names_are_refused(personas, username, message):
    errors = signup_errors(username=username)
    assert any(message in error for error in errors["username"]), errors


def test_a_whole_cyrillic_look_alike_is_refused_as_a_duplicate(personas, django_user_model):
    django_user_model.objects.create_user("copy", "copy@dev.test", "pw")
    errors = signup_errors(username="\u0441\u043e\u0440\u0443")  # Cyrillic с о р у
    assert "looks like an existing one" in errors["username"][0]


def test_names_are_stored_nfkc_normalised(personas) -> None:
    Client().post(SIGNUP, {**GOOD, "username": "\uff4e\uff45\uff57dev"})  # fullwidth "new"
    assert get_user_model().objects.filter(username="newdev").exists()
    assert Account.objects.get(user__username="newdev").username_skeleton == "newdev"


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("84629175301", "entirely numeric"),
        ("password123", "too common"),
        ("short1!", "too short"),
        ("newdev-2024", "too similar"),
    ],
)
def test_weak_passwords_are_refused(personas, password, message):
    errors = signup_errors(password=password)
    assert any(message in error for error in errors["password"]), errors


def test_sign_up_sends_a_verification_link(personas) -> None:
    client = Client()
    assert client.post(SIGNUP, GOOD).status_code == 302
    user = get_user_model().objects.get(username="newdev")
    assert not accounts.has_verified_email(user)
    link = next(word for word in mail.outbox[-1].body.split() if "/accounts/verify/" in word)
    client.get(link.removeprefix("http://testserver"))
    assert accounts.has_verified_email(user, "NEW@dev.test")
    user.email = "changed@dev.test"
    user.save()
    assert not accounts.has_verified_email(user)  # a changed address must be proved again


def test_a_forged_or_stale_verification_link_does_nothing(personas) -> None:
    user = personas.subscriber
    token = accounts.verification_token(user)
    user.email = "other@acme.test"
    user.save()
    assert accounts.verify_email(token) is None
    assert accounts.verify_email(token[:-2] + "xx") is None
    assert not accounts.has_verified_email(user)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example.com/",
        "//evil.example.com/",
        "/\\evil.example.com/",
        "\\\\evil.example.com",
        "javascript:alert(1)",
        "http://testserver.evil.example.com/",
        " //evil.example.com",
        "/\t/evil.example.com",
        "data:text/html,<script>alert(1)</script>",
    ],
)
def test_a_foreign_next_falls_back_to_home(personas, target: str) -> None:
    client = Client()
    client.force_login(personas.creator)
    response = client.post(reverse("switch-tenant"), {"tenant": "acme", "next": target})
    assert response.status_code == 302 and response["Location"] == "/"
    verify = client.get(reverse("verify-email", args=["bad"]), {"next": target})
    assert verify.status_code == 302 and verify["Location"] == "/"


def test_a_local_next_is_followed(personas) -> None:
    client = Client()
    client.force_login(personas.creator)
    response = client.post(reverse("switch-tenant"), {"tenant": "acme", "next": "/devportal/"})
    assert response["Location"] == "/devportal/"
