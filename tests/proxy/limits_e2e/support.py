"""Builders for the limits end-to-end tests: limited keys, aligned windows, bursts, counters."""

from __future__ import annotations

import asyncio
import math
import random
import time
from dataclasses import dataclass, replace

import httpx
import redis

from proxy.contract import DeploymentSnapshot, KeySnapshot, Limits
from proxy.limits import estimate_request, estimator_for
from tests.proxy.support import Process, make_key, wait_synced

MODEL = "gpt-4o-mini"
DEFAULT_MAX_TOKENS = 256  # TOLLGATE_DEFAULT_MAX_TOKENS's default


def fresh_tenant_id() -> int:
    """Counter keys start with the tenant id: a random one keeps runs from sharing counters."""
    return random.randrange(10**6, 10**9)


def chat(words: int = 3, **extra) -> dict:
    content = " ".join(["word"] * words)
    return {"model": MODEL, "messages": [{"role": "user", "content": content}], **extra}


def reservation(payload: dict) -> int:
    """The tokens the proxy reserves for this body: tokenizer count plus max_tokens."""
    estimate = estimate_request(payload, estimator_for(payload["model"]))
    completion = DEFAULT_MAX_TOKENS if estimate.completion is None else estimate.completion
    return estimate.prompt + completion


def limited_key(
    deployment: DeploymentSnapshot,
    *,
    plan: Limits | None = None,
    application: Limits | None = None,
    key_type: str = "production",
    also: tuple[DeploymentSnapshot, ...] = (),
) -> tuple[str, KeySnapshot]:
    """A key subscribed to `deployment` (and `also`) under `plan`; its application's tier."""
    apis = {d.api_id: "ACTIVE" for d in (deployment, *also)}
    plain, snapshot = make_key(
        subscriptions=apis, key_type=key_type, tenant_id=deployment.tenant_id
    )
    grants = {api: replace(g, limits=plan) for api, g in snapshot.subscriptions.items()}
    return plain, replace(snapshot, subscriptions=grants, application_limits=application)


def publish(registry, proxies: list[Process], deployment, *keys: KeySnapshot) -> None:
    registry.put_deployment(deployment)
    for snapshot in keys:
        registry.put_key(snapshot)
    for process in proxies:
        wait_synced(process.url, registry)


def inside_window(unit: int, needed: float) -> float:
    """Wait until the current fixed window has `needed` seconds left; return when it ends."""
    now = time.time()
    end = (now // unit + 1) * unit
    if end - now < needed:
        time.sleep(end - now + 0.05)
        end += unit
    return end


def duration_seconds(value: str) -> float:
    """Parse OpenAI's reset durations ("20ms", "1.5s", "6m0s", "1h2m3s")."""
    if value.endswith("ms"):
        return int(value[:-2]) / 1000
    total, number = 0.0, ""
    for char in value:
        if char in "hms":
            total += float(number) * {"h": 3600, "m": 60, "s": 1}[char]
            number = ""
        else:
            number += char
    return total


def retry_after_bounds(window_end: float, started: float, finished: float) -> tuple[int, int]:
    """The retry-after a refusal between `started` and `finished` may carry."""
    return max(1, math.ceil(window_end - finished)), max(1, math.ceil(window_end - started))


@dataclass(frozen=True)
class Call:
    url: str
    key: str
    payload: dict
    path: str = "/chat/completions"


async def _burst(calls: list[Call], route: str, headers: dict[str, str]) -> list[httpx.Response]:
    limits = httpx.Limits(max_connections=len(calls) + 10, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=30, limits=limits) as client:
        return await asyncio.gather(
            *(
                client.post(
                    f"{call.url}/{route}{call.path}",
                    json=call.payload,
                    headers={**headers, "Authorization": f"Bearer {call.key}"},
                )
                for call in calls
            )
        )


def burst(
    calls: list[Call], route: str, headers: dict[str, str] | None = None
) -> list[httpx.Response]:
    """Send every call at once (one connection each) and return the responses in order."""
    return asyncio.run(_burst(calls, route, headers or {}))


def post(process: Process, route: str, key: str, payload: dict, **headers) -> httpx.Response:
    headers["Authorization"] = f"Bearer {key}"
    return httpx.post(
        f"{process.url}/{route}/chat/completions", json=payload, headers=headers, timeout=30
    )


def counter_values(redis_url: str, pattern: str) -> list[int]:
    client = redis.Redis.from_url(redis_url)
    try:
        return [int(client.get(key) or 0) for key in client.scan_iter(match=pattern, count=1000)]
    finally:
        client.close()


def plan_counter(prefix: str, deployment, snapshot: KeySnapshot, dimension: str) -> str:
    """The Redis key pattern of a plan counter (docs/limits.md: {prefix}:{tenant}:plan:…)."""
    grant = snapshot.grant_for(deployment.api_id)
    scope = f"{deployment.tenant_id}:plan:{grant.subscription_id}:{deployment.api_id}"
    return f"{prefix}:{scope}:{dimension}:*"


def log_count(process: Process, text: str) -> int:
    return process.log.read_text(errors="replace").count(text)


DEGRADED = "rate-limit counters: Redis unavailable"
RECOVERED = "rate-limit counters: Redis is back"
