"""Secure by default: what a production process refuses, `check --deploy` in the production
shape, the opt-in for keys derived from SECRET_KEY, the CSP, and pooled Postgres connections."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from core.processes import ROOT
from core.production import DEV_SECRET_KEY, refusals
from proxy.public import key_digest

SECRET = "s" * 30 + "-production-secret-key-for-tests"
PEPPER = "p" * 30 + "-production-key-pepper-for-tests"
FERNET = Fernet.generate_key().decode()
DROPPED = {"TOLLGATE_DEMO", "DEBUG", "SECRET_KEY", "TOLLGATE_FERNET_KEYS", "TOLLGATE_KEY_PEPPER",
           "TOLLGATE_DERIVE_KEYS_FROM_SECRET_KEY"}  # fmt: skip
PRODUCTION = {
    "SECRET_KEY": SECRET,
    "TOLLGATE_FERNET_KEYS": FERNET,
    "TOLLGATE_KEY_PEPPER": PEPPER,
    "ALLOWED_HOSTS": "tollgate.example.com",
    "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_COOKIES": "true",
}


def django(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """manage.py in a fresh process with only `env` on top of a production environment."""
    base = {k: v for k, v in os.environ.items() if k not in DROPPED}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "TOLLGATE_DATA_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_on_development_secrets(tmp_path):
    done = django(tmp_path, {}, "check")
    assert done.returncode != 0
    for name in ("SECRET_KEY", "TOLLGATE_FERNET_KEYS", "TOLLGATE_KEY_PEPPER"):
        assert f"- {name}" in done.stderr


def test_demo_and_debug_run_on_development_secrets(tmp_path):
    for switch in ({"TOLLGATE_DEMO": "true"}, {"DEBUG": "true"}):
        done = django(tmp_path, switch, "check")
        assert done.returncode == 0, done.stderr


def test_check_deploy_is_clean_in_the_production_shape(tmp_path):
    done = django(tmp_path, PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_derived_keys_are_an_explicit_opt_in_that_keeps_existing_keys_working(tmp_path):
    script = (
        "from django.conf import settings; from core.secrets import hash_key, key_ring; "
        "print(hash_key('tg_key')); print(key_ring().encrypt('sk-provider'))"
    )
    env = {"SECRET_KEY": SECRET, "TOLLGATE_DERIVE_KEYS_FROM_SECRET_KEY": "true"}
    done = django(tmp_path, env, "shell", "-c", script)
    assert done.returncode == 0, done.stderr
    digest, token = done.stdout.split()[-2:]
    assert digest == key_digest(SECRET, "tg_key")  # what earlier releases stored
    from proxy.public import KeyRing

    assert KeyRing([], SECRET).decrypt(token) == "sk-provider"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"secret_key": DEV_SECRET_KEY}, "SECRET_KEY is the development default"),
        ({"secret_key": "short"}, "shorter than 50"),
        ({"fernet_keys": []}, "TOLLGATE_FERNET_KEYS is not set"),
        ({"fernet_keys": [FERNET, "not-a-key"]}, "key 2 is not a Fernet key"),
        ({"key_pepper": ""}, "TOLLGATE_KEY_PEPPER is not set"),
        ({"key_pepper": SECRET}, "equals SECRET_KEY"),
    ],
)
def test_each_refusal(changes, problem):
    good = {"secret_key": SECRET, "fernet_keys": [FERNET], "key_pepper": PEPPER}
    assert refusals(**good, derive_from_secret=False) == []
    found = refusals(**{**good, **changes}, derive_from_secret=False)
    assert len(found) == 1 and problem in found[0]


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, personas):
    client.force_login(personas.admin)
    for path in ("/accounts/login/", "/publisher/", "/devportal/", "/admin/"):
        response = client.get(path, follow=True)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
        page = response.content.decode()
        assert " onchange=" not in page and " onclick=" not in page, path
        assert "<script>" not in page, path
    assert "Content-Security-Policy" not in client.get("/api/v1/docs/").headers


def test_postgres_connections_come_from_a_pool(tmp_path, django_db_setup):
    from django.db import connection

    from tests.support.stack import database_url_of

    url = os.environ.get("DATABASE_URL", "") and database_url_of(connection.settings_dict)
    script = (
        "from django.db import connection; connection.ensure_connection(); "
        "print(getattr(connection, 'pool', None) is not None)"
    )
    env = {"TOLLGATE_DEMO": "true", "DB_POOL_MAX_SIZE": "4"}
    env["DATABASE_URL"] = url or f"sqlite:///{tmp_path / 'pool.sqlite3'}"
    done = django(tmp_path, env, "shell", "-c", script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == ("True" if url else "False")  # SQLite has no pool
