"""A provider key typed into a form whose save failed, held encrypted in the re-rendered form
(never as text) so the user need not type it again; bound to the form it was typed into."""

from __future__ import annotations

import time

import orjson

from core.secrets import key_ring

MAX_AGE = 3600  # seconds a held key stays usable


def hold(key: str, *, scope: str) -> str:
    return key_ring().encrypt(orjson.dumps({"s": scope, "k": key, "t": time.time()}).decode())


def release(token: str, *, scope: str) -> str:
    """The held key, or "" when the token is not one of this form's or is too old."""
    try:
        held = orjson.loads(key_ring().decrypt(token))
    except Exception:  # any tampered, foreign or garbled token is simply no key
        return ""
    if not isinstance(held, dict) or held.get("s") != scope:
        return ""
    if time.time() - float(held.get("t", 0)) > MAX_AGE:
        return ""
    key = held.get("k")
    return key if isinstance(key, str) else ""
