"""The `stack` fixture: real web, proxy, worker and mock-provider processes on the test DB."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from core.processes import Supervisor, demo_upstream_spec, proxy_spec, web_spec, worker_spec
from tests.support.readiness import wait_for_registry
from tests.support.services import clear_prefix, free_port, worker_redis_prefix

__all__ = ["Stack", "free_port", "stack"]


def database_url_of(settings_dict: dict) -> str:
    """The URL of the test database pytest-django created, for the child processes."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgresql://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@dataclass
class Stack:
    supervisor: Supervisor
    web_url: str
    proxy_url: str
    mock_url: str
    log_dir: Path

    def mock_requests(self) -> list[dict]:
        return httpx.get(f"{self.mock_url}/_mock/requests", timeout=5).json()["requests"]

    def clear_mock(self) -> None:
        httpx.delete(f"{self.mock_url}/_mock/requests", timeout=5)

    def gateway_url(self, tenant_slug: str, route: str) -> str:
        return f"{self.proxy_url}/t/{tenant_slug}/{route}"

    def sync(self) -> int:
        """Wait until the gateway serves every registry change committed so far (the version
        its /readyz reports reaches the store's); return that version."""
        from core.registry.store import get_store

        version = get_store().current_version()
        wait_for_registry(self.proxy_url, version)
        return version


def _empty_redis() -> None:
    """Earlier runs' registry entries and usage events must not leak into this one."""
    url = os.environ.get("REDIS_URL")
    if url:
        clear_prefix(url, worker_redis_prefix())


@pytest.fixture(scope="module")
def stack(django_db_setup, django_db_blocker, tmp_path_factory) -> Stack:
    """Per test module, so its worker never drains usage events other suites are reading."""
    from django.db import connection

    ports = {name: free_port() for name in ("web", "proxy", "mock")}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    log_dir = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts")) / "logs"
    env = {
        "DATABASE_URL": database_url_of(connection.settings_dict),
        "ALLOW_PRIVATE_UPSTREAMS": "true",
        "ALLOW_HTTP_UPSTREAMS": "true",
        "GATEWAY_URL": urls["proxy"],
        "SITE_URL": urls["web"],
        "TOLLGATE_DATA_DIR": str(tmp_path_factory.mktemp("stack-data")),
        "PYTHONUNBUFFERED": "1",
    }
    _empty_redis()
    supervisor = Supervisor(env=env, log_dir=log_dir)
    try:
        supervisor.start(demo_upstream_spec(ports["mock"]))
        supervisor.start(proxy_spec(ports["proxy"]))
        supervisor.start(web_spec(ports["web"]))
        supervisor.start(worker_spec())
        yield Stack(supervisor, urls["web"], urls["proxy"], urls["mock"], log_dir)
    finally:
        supervisor.stop_all()
