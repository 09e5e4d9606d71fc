"""A script's first token without a browser: `POST auth/token/` with a username and password
(throttled like sign-in), or `manage.py create_token` for operators."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from core.models import AuditLog, PersonalAccessToken

TOKEN = "/api/v1/auth/token/"
RIGHT = "pw-123456!"  # the personas' password (tests/conftest.py)


def ask(username: str, password: str, **fields):
    body = {"username": username, "password": password, "name": "ci", **fields}
    return APIClient().post(TOKEN, body, format="json")


def bearer(token: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_password_buys_a_read_only_token_for_the_one_tenant(personas) -> None:
    answer = ask("creator1", RIGHT)
    assert answer.status_code == 201
    body = answer.json()
    assert body["tenant"] == "acme" and body["access"] == "read" and body["roles"] == ["creator"]
    client = bearer(body["token"])
    assert client.get("/api/v1/tenants/acme/apis/").status_code == 200
    write = {"name": "X", "context": "x", "version": "1", "vendor": "openai"}
    assert client.post("/api/v1/tenants/acme/apis/", write, format="json").status_code == 403
    assert client.get("/api/v1/tenants/globex/").status_code == 404
    assert AuditLog.objects.filter(action="token.create", actor=personas.creator).exists()


def test_the_token_follows_the_scoping_rules(personas) -> None:
    wrote = ask("creator1", RIGHT, access="write", tenant="acme", roles=["creator"])
    assert wrote.status_code == 201 and wrote.json()["access"] == "write"
    beyond = ask("creator1", RIGHT, roles=["admin"])
    assert beyond.status_code == 400 and "roles" in beyond.json()["error"]["fields"]
    elsewhere = ask("creator1", RIGHT, tenant="globex")
    assert elsewhere.status_code == 400 and "tenant" in elsewhere.json()["error"]["fields"]
    nowhere = ask("creator1", RIGHT, tenant="no-such-tenant")
    assert nowhere.status_code == 400 and "tenant" in nowhere.json()["error"]["fields"]
    too_late = ask("creator1", RIGHT, expires_at="2999-01-01T00:00:00Z")
    assert too_late.status_code == 400 and "expires_at" in too_late.json()["error"]["fields"]


def test_wrong_credentials_are_401_before_anything_else(personas) -> None:
    answer = ask("creator1", "wrong", tenant="no-such-tenant", roles=["admin"])
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "not_authenticated"
    assert not PersonalAccessToken.objects.exists()


def test_failures_lock_out_like_sign_in(personas) -> None:
    for _ in range(settings.LOGIN_FAILURES_ALLOWED):
        assert ask("creator1", "wrong").status_code == 401
    locked = ask("creator1", "wrong")
    assert locked.status_code == 429 and locked["Retry-After"]
    assert locked.json()["error"]["code"] == "locked_out"
    assert ask("creator1", RIGHT).status_code == 429  # the right password too, for a while
    assert not PersonalAccessToken.objects.exists()


def test_no_session_and_no_csrf_token_needed(personas) -> None:
    client = APIClient(enforce_csrf_checks=True)
    body = {"username": "creator1", "password": RIGHT, "name": "ci"}
    answer = client.post(TOKEN, body, format="json")
    assert answer.status_code == 201
    assert "sessionid" not in answer.cookies


def test_operators_mint_tokens_with_a_command(personas) -> None:
    out = StringIO()
    call_command(
        "create_token", "publisher1", "--name", "deploys", "--tenant", "acme",
        "--access", "write", "--role", "publisher", "--days", "7", stdout=out,
    )  # fmt: skip
    plaintext = out.getvalue().strip()
    assert plaintext.startswith("tgpat_")
    token = PersonalAccessToken.objects.get(name="deploys")
    assert token.access == "write" and token.roles == ["publisher"]
    assert bearer(plaintext).get("/api/v1/tenants/acme/apis/").status_code == 200


@pytest.mark.parametrize(
    "args, problem",
    [
        (["nobody", "--name", "x"], "No active user"),
        (["creator1", "--name", "x", "--tenant", "globex"], "tenant"),
        (["creator1", "--name", "x", "--role", "admin"], "roles"),
    ],
)
def test_the_command_refuses_what_the_api_refuses(personas, args, problem) -> None:
    with pytest.raises(CommandError, match=problem):
        call_command("create_token", *args, stdout=StringIO())
