"""Each pool target's circuit as the proxies share it in Redis, for the portal and REST.

In the embedded mode each proxy process keeps its own circuits: the control plane cannot see
them, and says so ("unknown").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import redis
from django.conf import settings

from proxy.public import RedisNames, contract

UNKNOWN = {"state": "unknown", "failures": None, "open_until": None}


def pool_health(tenant_id: int, api_id: int, kind: str, names: list[str]) -> dict[str, dict]:
    """{target name: {state: closed | open | half_open | unknown, failures, open_until}}."""
    url = settings.REDIS_URL
    if not url or not names:
        return {name: dict(UNKNOWN) for name in names}
    keys = [contract.target_key(tenant_id, api_id, kind, name) for name in names]
    rnames = RedisNames(settings.TOLLGATE_REDIS_PREFIX)
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=0.25, socket_timeout=0.5) as client:
            pipe = client.pipeline(transaction=False)
            pipe.hmget(rnames.circuits_open, keys)
            pipe.hmget(rnames.circuit_failures, keys)
            opened, fails = pipe.execute()
    except redis.RedisError:
        return {name: dict(UNKNOWN) for name in names}
    now = datetime.now(UTC).timestamp()
    return {
        name: _health(until, failures, now)
        for name, until, failures in zip(names, opened, fails, strict=True)
    }


def _health(until: bytes | None, failures: bytes | None, now: float) -> dict[str, Any]:
    open_until = float(until) if until else 0.0
    state = "closed" if not open_until else ("open" if now < open_until else "half_open")
    return {
        "state": state,
        "failures": int(failures or 0),
        "open_until": datetime.fromtimestamp(open_until, UTC).isoformat() if open_until else None,
    }
