"""Password guessing is throttled on every way in: the portal's sign-in, the REST session
sign-in and token authentication. Ten wrong attempts are answered normally; the eleventh locks
out (429 with Retry-After), even with the right password, until the cool-off passes. Every
failure leaves an audit row, never the password."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core.api.auth import create_token
from core.models import AuditLog

RIGHT = "pw-123456!"
ALLOWED = 10
SESSION = "/api/v1/auth/session/"


@pytest.fixture(autouse=True)
def _policy(settings):
    assert settings.LOGIN_FAILURES_ALLOWED == ALLOWED


def portal_sign_in(client: Client, username: str, password: str, ip: str = "127.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def rest_sign_in(client: APIClient, username: str, password: str, ip: str = "127.0.0.1"):
    body = {"username": username, "password": password}
    return client.post(SESSION, body, format="json", REMOTE_ADDR=ip)


def cool_off_passes() -> None:
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))


def test_portal_eleventh_wrong_password_is_locked_out(personas) -> None:
    client = Client()
    for attempt in range(ALLOWED):
        response = portal_sign_in(client, "creator1", f"wrong-{attempt}")
        assert response.status_code == 200, attempt
        assert "correct username and password" in response.content.decode()
    locked = portal_sign_in(client, "creator1", "wrong-again")
    assert locked.status_code == 429
    assert locked["Retry-After"] == "900"
    assert "Too many failed sign-in attempts" in locked.content.decode()
    fresh = Client()
    assert portal_sign_in(fresh, "creator1", RIGHT).status_code == 429
    assert "_auth_user_id" not in fresh.session
    cool_off_passes()
    assert portal_sign_in(Client(), "creator1", RIGHT).status_code == 302


def test_failures_and_the_lockout_are_audited_without_the_password(personas) -> None:
    client = Client()
    for attempt in range(ALLOWED + 3):
        portal_sign_in(client, "creator1", f"secret-guess-{attempt}")
    rows = AuditLog.objects.filter(action__startswith="auth.").order_by("id")
    assert [row.action for row in rows] == ["auth.failure"] * ALLOWED + ["auth.lockout"]
    assert {row.object_repr for row in rows} == {"creator1"}
    assert rows.last().changes == {"via": "portal", "ip": "127.0.0.1", "failures": ALLOWED + 1}
    assert not any("secret-guess" in str(row.changes) for row in rows)


def test_signing_in_to_ones_own_account_does_not_clear_the_count(personas) -> None:
    """Guessing creator1's password between sign-ins to one's own account (same address)."""
    for attempt in range(ALLOWED):
        assert portal_sign_in(Client(), "creator1", f"wrong-{attempt}").status_code == 200
        assert portal_sign_in(Client(), "publisher1", RIGHT).status_code == 302
    assert portal_sign_in(Client(), "creator1", "wrong-again").status_code == 429


def test_the_count_clears_after_the_cool_off(personas) -> None:
    for attempt in range(ALLOWED):
        portal_sign_in(Client(), "creator1", f"wrong-{attempt}")
    cool_off_passes()
    for attempt in range(ALLOWED):
        assert portal_sign_in(Client(), "creator1", f"wrong-{attempt}").status_code == 200


def test_a_username_is_locked_from_every_address(personas) -> None:
    for attempt in range(ALLOWED + 1):
        portal_sign_in(Client(), "creator1", "wrong", ip=f"203.0.113.{attempt + 1}")
    assert portal_sign_in(Client(), "creator1", RIGHT, ip="198.51.100.7").status_code == 429
    assert portal_sign_in(Client(), "publisher1", RIGHT, ip="198.51.100.7").status_code == 302


def test_an_address_guessing_many_usernames_is_locked(personas) -> None:
    for attempt in range(ALLOWED + 1):
        portal_sign_in(Client(), f"user{attempt}", "wrong", ip="203.0.113.9")
    assert portal_sign_in(Client(), "publisher1", RIGHT, ip="203.0.113.9").status_code == 429
    assert portal_sign_in(Client(), "publisher1", RIGHT, ip="203.0.113.10").status_code == 302


def test_rest_session_sign_in_is_throttled_the_same_way(personas) -> None:
    client = APIClient()
    for _ in range(ALLOWED):
        wrong = rest_sign_in(client, "creator1", "wrong")
        assert wrong.status_code == 401
        assert wrong.json()["error"]["code"] == "not_authenticated"
    locked = rest_sign_in(client, "creator1", "wrong")
    assert locked.status_code == 429 and locked["Retry-After"] == "900"
    assert locked.json()["error"]["code"] == "locked_out"
    assert rest_sign_in(APIClient(), "creator1", RIGHT).status_code == 429
    vias = set(
        AuditLog.objects.filter(action="auth.failure").values_list("changes__via", flat=True)
    )
    assert vias == {"rest-session"}


def test_rest_session_sign_in_and_out(personas) -> None:
    client = APIClient(enforce_csrf_checks=True)
    state = client.get(SESSION)
    assert state.json() == {"user": None}
    token = state.cookies["csrftoken"].value
    refused = client.post(SESSION, {"username": "creator1", "password": RIGHT}, format="json")
    assert refused.status_code == 403  # no CSRF token: no page elsewhere can sign a browser in
    body = {"username": "creator1", "password": RIGHT}
    signed_in = client.post(SESSION, body, format="json", HTTP_X_CSRFTOKEN=token)
    assert signed_in.status_code == 200 and signed_in.json()["user"]["username"] == "creator1"
    assert client.get(reverse("api:me")).json()["username"] == "creator1"
    token = client.cookies["csrftoken"].value  # rotated at sign-in
    assert client.delete(SESSION, HTTP_X_CSRFTOKEN=token).status_code == 204
    assert client.get(reverse("api:me")).status_code in (401, 403)


def test_bad_tokens_lock_the_address_out(personas) -> None:
    _, good = create_token(user=personas.creator, name="ci", access="read")
    apis = "/api/v1/tenants/acme/apis/"
    for attempt in range(ALLOWED):
        wrong = APIClient(HTTP_AUTHORIZATION=f"Bearer tgpat_{attempt:016d}{'x' * 32}")
        assert wrong.get(apis).status_code == 401
    locked = APIClient(HTTP_AUTHORIZATION="Bearer tgpat_" + "y" * 48).get(apis)
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "locked_out"
    assert APIClient(HTTP_AUTHORIZATION=f"Bearer {good}").get(apis).status_code == 429
    other_address = APIClient(HTTP_AUTHORIZATION=f"Bearer {good}", REMOTE_ADDR="198.51.100.8")
    assert other_address.get(apis).status_code == 200
    failures = AuditLog.objects.filter(action__startswith="auth.", changes__via="token")
    assert failures.count() == ALLOWED + 1


def test_a_wrong_secret_for_a_real_token_is_audited_against_its_user(personas) -> None:
    token, good = create_token(user=personas.creator, name="ci", access="read")
    forged = good[:-1] + ("A" if good[-1] != "A" else "B")
    assert (
        APIClient(HTTP_AUTHORIZATION=f"Bearer {forged}").get(reverse("api:me")).status_code == 401
    )
    row = AuditLog.objects.get(action="auth.failure")
    assert row.object_repr == "creator1" and row.object_id == str(personas.creator.pk)
    assert forged not in str(row.changes) and good not in str(row.changes)
