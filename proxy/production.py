"""What a production process refuses to start without: one rule for web, worker and proxy
(core/settings.py reads it through proxy.public; the proxy checks it at startup).

Outside DEBUG and the demo (`TOLLGATE_DEMO=true`: `make up`, `make test`, compose's demo
profile), Tollgate needs its own secrets: a real SECRET_KEY, and the Fernet keys and the API-key
pepper set independently of it, so that rotating SECRET_KEY breaks no stored provider key and
no API key. An installation whose keys were derived from SECRET_KEY opts in to keep deriving
them (TOLLGATE_DERIVE_KEYS_FROM_SECRET_KEY=true) until it pins them (docs/deployment.md).
"""

from __future__ import annotations

import binascii

from cryptography.fernet import Fernet

DEV_SECRET_KEY = "dev-only-insecure-secret-key-change-me"
MIN_SECRET_LENGTH = 50
GENERATE_SECRET = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
GENERATE_FERNET = (
    "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


def refusals(
    *, secret_key: str, fernet_keys: list[str], key_pepper: str, derive_from_secret: bool
) -> list[str]:
    """Why these settings may not run in production; empty when they may."""
    problems = []
    if secret_key == DEV_SECRET_KEY or len(secret_key) < MIN_SECRET_LENGTH:
        problems.append(
            f"SECRET_KEY is the development default or shorter than {MIN_SECRET_LENGTH} "
            f"characters; set a random one: {GENERATE_SECRET}"
        )
    if not derive_from_secret:
        problems += _independent_key_problems(secret_key, fernet_keys, key_pepper)
    problems += [f"TOLLGATE_FERNET_KEYS: {p}" for p in fernet_key_problems(fernet_keys)]
    return problems


def _independent_key_problems(secret_key: str, fernet_keys: list[str], pepper: str) -> list[str]:
    problems = []
    if not fernet_keys:
        problems.append(
            f"TOLLGATE_FERNET_KEYS is not set; set it to a Fernet key: {GENERATE_FERNET} "
            "(an existing installation: see docs/deployment.md, 'Secrets')"
        )
    if not pepper or pepper == secret_key:
        problems.append(
            "TOLLGATE_KEY_PEPPER is not set (or equals SECRET_KEY); set it to its own random "
            f"value: {GENERATE_SECRET} (an existing installation: see docs/deployment.md)"
        )
    return problems


def fernet_key_problems(keys: list[str]) -> list[str]:
    problems = []
    for index, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, binascii.Error):
            problems.append(f"key {index} is not a Fernet key (32 url-safe base64 bytes)")
    return problems


class InsecureSettings(Exception):
    """A production process was given development secrets; the message says what to set."""


def check_secrets(
    *,
    debug: bool,
    demo: bool,
    secret_key: str,
    fernet_keys: list[str],
    key_pepper: str,
    derive_from_secret: bool,
) -> None:
    """Raise InsecureSettings outside DEBUG and the demo when `refusals` finds problems."""
    if debug or demo:
        return
    problems = refusals(
        secret_key=secret_key,
        fernet_keys=fernet_keys,
        key_pepper=key_pepper,
        derive_from_secret=derive_from_secret,
    )
    if problems:
        raise InsecureSettings(
            "Tollgate will not start in production with these settings (DEBUG and "
            "TOLLGATE_DEMO are off):\n- " + "\n- ".join(problems)
        )
