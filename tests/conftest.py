"""Shared fixtures: service checks (CI must have every service), personas, Redis isolation."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

import pytest

# Plugins, so pytest rewrites their asserts; import from them inside functions only.
pytest_plugins = ["tests.support.services", "tests.support.stack", "tests.support.browser"]


def pytest_configure(config: pytest.Config) -> None:
    from tests.support.services import IN_CI, isolate_redis_prefix

    isolate_redis_prefix()
    if IN_CI:
        _require_services()


def _require_services() -> None:
    """In CI every test runs: the services the environment names must answer, and the embedded
    run (no REDIS_URL) still needs redis-server for the tests that exercise Redis."""
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if database_url and not database_url.startswith(("postgres://", "postgresql://")):
        pytest.exit("CI=true: DATABASE_URL must point at Postgres (or be unset)", returncode=3)
    if not redis_url and not shutil.which("redis-server"):
        pytest.exit("CI=true without REDIS_URL needs the redis-server binary", returncode=3)
    import psycopg
    import redis

    if database_url:
        admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
        try:
            psycopg.connect(admin_url, connect_timeout=5).close()
        except psycopg.Error as exc:
            pytest.exit(f"Postgres is not reachable at {admin_url}: {exc}", returncode=3)
    if redis_url:
        try:
            redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
        except redis.RedisError as exc:
            pytest.exit(f"Redis is not reachable at {redis_url}: {exc}", returncode=3)


@pytest.fixture(autouse=True)
def _upstream_rules(settings):
    """Tests talk to the mock provider on loopback, which production refuses by default."""
    settings.ALLOW_PRIVATE_UPSTREAMS = True
    settings.ALLOW_HTTP_UPSTREAMS = True


@pytest.fixture(autouse=True)
def _fresh_redis(request):
    """In the Redis mode each test starts with none of this worker's keys, except tests on
    the running `stack`, whose processes keep their state there."""
    from tests.support.services import clear_prefix, worker_redis_prefix

    url = os.environ.get("REDIS_URL")
    if url and "stack" not in request.fixturenames:
        clear_prefix(url, worker_redis_prefix())


@pytest.fixture(autouse=True)
def _close_sdk_clients(monkeypatch):
    """Every official-SDK client a test opens is closed when the test ends, so its pooled
    sockets are not left for the garbage collector (a ResourceWarning, an error here)."""
    import anthropic
    import openai

    opened: list = []
    for cls in (openai.OpenAI, anthropic.Anthropic):
        monkeypatch.setattr(cls, "__init__", _recording_init(cls.__init__, opened))
    yield
    for client in opened:
        client.close()


def _recording_init(original, opened: list):
    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        opened.append(self)

    return init


@dataclass
class Personas:
    tenant: object
    admin: object
    creator: object
    publisher: object
    subscriber: object
    outsider_tenant: object
    outsider: object


@pytest.fixture
def personas(db) -> Personas:
    """A tenant `acme` with one user per role, and a second tenant `globex` with its admin."""
    from django.contrib.auth import get_user_model

    from core.services.tenants import add_member, create_tenant

    user_model = get_user_model()
    acme = create_tenant(slug="acme", name="Acme")
    globex = create_tenant(slug="globex", name="Globex")
    users = {}
    for role in ("admin", "creator", "publisher", "subscriber"):
        users[role] = user_model.objects.create_user(f"{role}1", f"{role}@acme.test", "pw-123456!")
        add_member(tenant=acme, user=users[role], roles=[role], actor=None)
    outsider = user_model.objects.create_user("globex-admin", "admin@globex.test", "pw-123456!")
    add_member(tenant=globex, user=outsider, roles=["admin"], actor=None)
    return Personas(
        acme,
        users["admin"],
        users["creator"],
        users["publisher"],
        users["subscriber"],
        globex,
        outsider,
    )
