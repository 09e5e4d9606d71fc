"""The bench's registry: one deployment and two keys, published the way core/registry does."""

from __future__ import annotations

import orjson
import redis

from proxy.contract import (
    Auth,
    DeploymentSnapshot,
    Endpoint,
    KeySnapshot,
    Limits,
    Operation,
    RedisNames,
    SubscriptionGrant,
    Vendor,
)
from proxy.crypto import KeyRing, key_digest

BENCH_LIMITS = Limits(requests=10**9, total_tokens=10**12, unit_seconds=60)


def seed_registry(env: dict[str, str], redis_url: str, upstream_url: str) -> tuple[dict, str]:
    """Publish one deployment and two subscribed keys (without and with limits) the way
    core/registry does; returns {"no limits": key, "limits": key} and the route."""
    secret = env["SECRET_KEY"]
    vendor = Vendor("openai", "OpenAI", "v1", "openai", Auth("header", "Authorization", "Bearer "))
    endpoint = Endpoint(upstream_url, KeyRing([], secret).encrypt("sk-bench-provider"))
    deployment = DeploymentSnapshot(
        version=1,
        environment="default",
        tenant_id=1,
        tenant_slug="default",
        api_id=1,
        api_uuid="bench",
        api_name="bench",
        api_version="1.0.0",
        route="bench/1.0.0",
        revision_id=1,
        revision_number=1,
        lifecycle_state="PUBLISHED",
        api_type="native",
        vendor=vendor,
        operations=(Operation("POST", "/chat/completions"),),
        production=endpoint,
    )
    names = RedisNames(env.get("TOLLGATE_REDIS_PREFIX") or RedisNames().prefix)
    client = redis.Redis.from_url(redis_url)
    client.hset(names.deployments, deployment.key, deployment.to_json())
    keys = {}
    for key_id, (plan, limits) in enumerate((("no limits", None), ("limits", BENCH_LIMITS)), 1):
        key = f"tg_p_benchbenchbenchsecret{key_id}"
        snapshot = KeySnapshot(
            version=1,
            digest=key_digest(secret, key),
            key_id=key_id,
            tenant_id=1,
            tenant_slug="default",
            application_id=1,
            application_name="bench",
            key_type="production",
            expires_at=None,
            subscriptions={"1": SubscriptionGrant(key_id, 1, "Bench", "ACTIVE", limits)},
        )
        client.set(names.key(snapshot.digest), snapshot.to_json())
        keys[plan] = key
    client.publish(names.invalidations, orjson.dumps({"kind": "all"}))
    client.close()
    return keys, deployment.route
