"""Health probes on real processes: the web's /readyz follows the database and Redis; the
worker's heartbeat is what `manage.py worker --probe` checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from core.processes import ROOT, Supervisor, web_spec, worker_spec
from tests.proxy.support import eventually
from tests.support.services import RedisServer, free_port
from tests.support.stack import database_url_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def readyz(url: str) -> tuple[int, dict]:
    response = httpx.get(f"{url}/readyz", timeout=10)
    return response.status_code, response.json()


def test_web_readyz_follows_the_database_and_redis(tmp_path: Path):
    from django.db import connection

    server = RedisServer(tmp_path)
    server.start()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        "DATABASE_URL": database_url_of(connection.settings_dict),
        "REDIS_URL": server.url,
        "TOLLGATE_DATA_DIR": str(tmp_path),
    }
    supervisor = Supervisor(env=env, log_dir=tmp_path)
    try:
        supervisor.start(web_spec(port))
        assert readyz(url) == (200, {"status": "ready", "database": "ok", "redis": "ok"})
        server.kill()
        status, body = readyz(url)
        assert (status, body["redis"], body["database"]) == (503, "unavailable", "ok")
        assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200  # alive all the same
    finally:
        supervisor.stop_all()
        server.stop()


def test_web_readyz_says_when_the_database_is_down(tmp_path: Path):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        "DATABASE_URL": f"postgresql://nobody@127.0.0.1:{free_port()}/nothing",
        "REDIS_URL": "",
        "TOLLGATE_DATA_DIR": str(tmp_path),
    }
    supervisor = Supervisor(env=env, log_dir=tmp_path)
    try:
        supervisor.start(web_spec(port))
        assert httpx.get(f"{url}/healthz", timeout=10).status_code == 200
        assert readyz(url) == (
            503,
            {"status": "unavailable", "database": "unavailable", "redis": "not used"},
        )
    finally:
        supervisor.stop_all()


def probe(env: dict[str, str], max_age: str = "30") -> int:
    return subprocess.run(
        [sys.executable, "manage.py", "worker", "--probe", "--max-age", max_age],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=60,
    ).returncode


def test_worker_probe_follows_the_heartbeat(tmp_path: Path):
    from django.db import connection

    server = RedisServer(tmp_path)
    server.start()
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of(connection.settings_dict),
        "REDIS_URL": server.url,
        "TOLLGATE_DATA_DIR": str(tmp_path),
    }
    assert probe(env) == 1  # no worker has ever run here
    supervisor = Supervisor(env=env, log_dir=tmp_path)
    try:
        supervisor.start(worker_spec())
        eventually(lambda: probe(env) == 0, timeout=60, interval=0.5)
        supervisor.stop("worker")
        eventually(lambda: probe(env, max_age="1") == 1, timeout=30, interval=0.5)
    finally:
        supervisor.stop_all()
        server.stop()
