"""The proxy refuses to start in production on development secrets, as the web tier does
(proxy/production.py holds the one rule), and says what to set."""

from __future__ import annotations

import subprocess
import sys

import httpx
from cryptography.fernet import Fernet

from tests.proxy.support import REPO, base_env, free_port, start_proxy

PRODUCTION_SECRETS = {
    "SECRET_KEY": "s" * 30 + "-production-secret-key-for-tests",
    "TOLLGATE_KEY_PEPPER": "p" * 30 + "-production-key-pepper-for-tests",
    "TOLLGATE_FERNET_KEYS": Fernet.generate_key().decode(),
}


def run_proxy(tmp_path, **env: str) -> subprocess.CompletedProcess:
    overrides = {"REDIS_URL": None, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", **env}
    return subprocess.run(
        [sys.executable, "-m", "proxy", "--port", str(free_port())],
        cwd=REPO,
        env=base_env(**overrides),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_proxy_refuses_development_secrets(tmp_path):
    done = run_proxy(tmp_path, TOLLGATE_DEMO="false", DEBUG="false")

    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "will not start in production" in output
    for name in ("SECRET_KEY", "TOLLGATE_FERNET_KEYS", "TOLLGATE_KEY_PEPPER"):
        assert f"- {name}" in output
    assert "Traceback" not in output


def test_production_proxy_refuses_a_pepper_equal_to_the_secret_key(tmp_path):
    secrets = {**PRODUCTION_SECRETS, "TOLLGATE_KEY_PEPPER": PRODUCTION_SECRETS["SECRET_KEY"]}
    done = run_proxy(tmp_path, TOLLGATE_DEMO="false", **secrets)

    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "- TOLLGATE_KEY_PEPPER" in output
    assert "- SECRET_KEY" not in output


def test_production_proxy_starts_with_its_own_secrets(tmp_path, proxy_logs):
    process = start_proxy(
        proxy_logs,
        ready=False,
        REDIS_URL=None,  # type: ignore[arg-type]
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        TOLLGATE_DEMO="false",
        **PRODUCTION_SECRETS,
    )
    try:
        assert httpx.get(f"{process.url}/healthz", timeout=5).status_code == 200
    finally:
        process.stop()
