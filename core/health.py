"""Readiness of the control plane's dependencies, for the web's /readyz and the worker probe.

`/healthz` says the process answers; `/readyz` says it can do its work: the database answers a
query and, in the Redis mode, Redis answers a PING. Each check has a short timeout so a probe
never hangs on a dead dependency.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import redis
from django.conf import settings
from django.db import connection

CHECK_TIMEOUT = 2  # seconds
HEARTBEAT_FILE = "worker-heartbeat.json"


def dependency_checks() -> dict[str, str]:
    """{"database": "ok" | "unavailable", "redis": "ok" | "unavailable" | "not used"}."""
    return {"database": _database(), "redis": _redis()}


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        connection.close()  # a broken connection must not be reused by the next probe
        return "unavailable"
    return "ok"


def _redis() -> str:
    if not settings.REDIS_URL:
        return "not used"
    try:
        with redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=CHECK_TIMEOUT, socket_timeout=CHECK_TIMEOUT
        ) as client:
            client.ping()
    except redis.RedisError:
        return "unavailable"
    return "ok"


def heartbeat_path() -> Path:
    return Path(settings.DATA_DIR) / HEARTBEAT_FILE


def beat(state: dict[str, object]) -> None:
    """Record that the worker is alive (written atomically, read by `manage.py worker --probe`)."""
    path = heartbeat_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    partial.write_text(json.dumps({"ts": time.time(), "pid": os.getpid(), **state}))
    partial.replace(path)


def heartbeat_age() -> float | None:
    """Seconds since the worker's last heartbeat, or None when it never wrote one."""
    try:
        data = json.loads(heartbeat_path().read_text())
    except (OSError, ValueError):
        return None
    return max(0.0, time.time() - float(data.get("ts", 0)))
