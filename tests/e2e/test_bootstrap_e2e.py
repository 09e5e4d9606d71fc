"""From an empty database to a called API, with the documented commands and real processes.

`manage.py migrate` and `manage.py create_tenant` run on a database of their own (a fresh
Postgres database in the Redis mode, a fresh SQLite file in the embedded one); the invited
admin signs up through the link and signs in on the real web process, creates and publishes an
API through the REST API, invites a developer, who signs up, subscribes and calls the API with
the official `openai` SDK through the real proxy to the demo upstream.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, closing
from pathlib import Path

import httpx
import openai
import psycopg
import pytest

from core.processes import ROOT, Supervisor, demo_upstream_spec, proxy_spec, web_spec
from tests.support.services import free_port

pytestmark = pytest.mark.e2e

PASSWORD = "correct-horse-battery-9"
LINK = re.compile(r"^(http://\S+/accounts/invitation/\S+/)$", re.M)


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A database nothing has touched: not even migrations."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    server, name = url.rsplit("/", 1)[0], f"tg_boot_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def environment(empty_database: str, tmp_path: Path) -> dict[str, str]:
    ports = {name: free_port() for name in ("web", "proxy", "mock")}
    env = {
        **os.environ,
        "DATABASE_URL": empty_database,
        "TOLLGATE_DATA_DIR": str(tmp_path / "data"),
        "TOLLGATE_REDIS_PREFIX": f"tgboot-{uuid.uuid4().hex[:8]}",
        "SITE_URL": f"http://127.0.0.1:{ports['web']}",
        "GATEWAY_URL": f"http://127.0.0.1:{ports['proxy']}",
        "ALLOW_PRIVATE_UPSTREAMS": "true",
        "ALLOW_HTTP_UPSTREAMS": "true",
        "PYTHONUNBUFFERED": "1",
    }
    env.update({f"{name.upper()}_PORT": str(port) for name, port in ports.items()})
    return env


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_empty_database_to_a_called_api(environment: dict[str, str], tmp_path: Path) -> None:
    env = environment
    manage(env, "migrate", "--noinput")
    printed = manage(
        env, "create_tenant", "--slug", "acme", "--name", "Acme", "--admin-email", "ops@acme.test"
    )
    admin_link = LINK.search(printed).group(1)
    assert admin_link.startswith(env["SITE_URL"])

    supervisor = Supervisor(env=env, log_dir=tmp_path / "logs")
    try:
        supervisor.start(demo_upstream_spec(int(env["MOCK_PORT"])))
        supervisor.start(proxy_spec(int(env["PROXY_PORT"])))
        supervisor.start(web_spec(int(env["WEB_PORT"])))
        _drive(env, admin_link)
    finally:
        supervisor.stop_all()


def _drive(env: dict[str, str], admin_link: str) -> None:
    with ExitStack() as opened:
        _drive_with(env, admin_link, opened)


def _drive_with(env: dict[str, str], admin_link: str, opened: ExitStack) -> None:
    web = env["SITE_URL"]
    with httpx.Client(base_url=web, timeout=20) as signup:
        _sign_up(signup, admin_link, "ops", "ops@acme.test")
        assert signup.get(admin_link).status_code == 404, "the link works only once"
    with httpx.Client(base_url=web, timeout=20) as browser:
        _sign_in(browser, "ops")
        admin = opened.enter_context(closing(_rest(web, _token(browser, "acme"))))
    api = _publish_api(admin, f"http://127.0.0.1:{env['MOCK_PORT']}/openai/v1")
    invitation = admin.call(
        "POST", "/invitations/", json={"email": "dev@acme.test", "roles": ["subscriber"]}
    )
    with httpx.Client(base_url=web, timeout=20) as developer_browser:
        _sign_up(developer_browser, invitation["invite_url"], "dev", "dev@acme.test")
        developer = opened.enter_context(closing(_rest(web, _token(developer_browser, "acme"))))
    key = _subscribe(developer, api)
    gateway = f"{env['GATEWAY_URL']}/t/acme/{api['route']}"
    answer = _call_when_served(gateway, key)
    assert answer.choices[0].message.content
    assert answer.usage.total_tokens > 0


def _csrf(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return client.cookies["csrftoken"]


def _sign_up(client: httpx.Client, link: str, username: str, email: str) -> None:
    form = {"username": username, "email": email, "password": PASSWORD}
    done = client.post(link, data={**form, "csrfmiddlewaretoken": _csrf(client, link)})
    assert done.status_code == 302, done.text


def _sign_in(client: httpx.Client, username: str) -> None:
    token = _csrf(client, "/accounts/login/")
    done = client.post(
        "/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert done.status_code == 302, done.text
    assert client.get("/api/v1/me/").json()["username"] == username


def _token(client: httpx.Client, tenant: str) -> str:
    made = client.post(
        "/api/v1/me/tokens/",
        json={"name": "bootstrap", "tenant": tenant, "access": "write"},
        headers={"X-CSRFToken": client.cookies["csrftoken"], "Referer": str(client.base_url)},
    )
    assert made.status_code == 201, made.text
    return made.json()["token"]


class _Rest:
    def __init__(self, client: httpx.Client) -> None:
        self.client = client

    def close(self) -> None:
        self.client.close()

    def call(self, method: str, path: str, **kwargs) -> dict:
        response = self.client.request(method, path, **kwargs)
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response.json()


def _rest(web: str, token: str) -> _Rest:
    return _Rest(
        httpx.Client(
            base_url=f"{web}/api/v1/tenants/acme",
            headers={"Authorization": f"Bearer {token}"},
            timeout=20,
        )
    )


def _publish_api(admin: _Rest, upstream: str) -> dict:
    api = admin.call(
        "POST",
        "/apis/",
        json={
            "name": "Chat",
            "context": "{version}/chat",
            "version": "1.0.0",
            "vendor": "openai",
            "endpoint_url": upstream,
        },
    )
    admin.call("PATCH", f"/apis/{api['id']}/endpoints/production/", json={"api_key": "sk-boot"})
    admin.call("POST", f"/apis/{api['id']}/revisions/", json={"description": "first"})
    admin.call("POST", f"/apis/{api['id']}/lifecycle/", json={"state": "PUBLISHED"})
    admin.call(
        "POST", f"/apis/{api['id']}/deployments/", json={"revision": 1, "environment": "default"}
    )
    return api


def _subscribe(developer: _Rest, api: dict) -> str:
    app = developer.call("POST", "/applications/", json={"name": "my app"})
    plan = next(p for p in developer.call("GET", "/plans/")["results"] if p["name"] == "Gold")
    developer.call(
        "POST",
        "/subscriptions/",
        json={"application": app["id"], "api": api["id"], "plan": plan["id"]},
    )
    made = developer.call(
        "POST", f"/applications/{app['id']}/keys/", json={"key_type": "production"}
    )
    return made["key"]


def _call_when_served(gateway: str, key: str, timeout: float = 30.0):
    """The deployment and the key reach the proxy asynchronously (registry announcement or
    poll); until they have, it answers 404/401."""
    client = openai.OpenAI(api_key=key, base_url=gateway, max_retries=0)
    deadline = time.monotonic() + timeout
    while True:
        try:
            return client.chat.completions.create(
                model="gpt-4o-mini", messages=[{"role": "user", "content": "Hello"}]
            )
        except (openai.NotFoundError, openai.AuthenticationError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
