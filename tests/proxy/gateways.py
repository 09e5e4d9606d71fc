"""Helpers for the provider end-to-end tests: OpenAI-compatible (unified) deployments compiled
the way the control plane compiles them, and one proxy in either registry mode."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from proxy.contract import DeploymentSnapshot, Endpoint, Operation
from proxy.ingress import unified_operations
from proxy.providers.registry import builtin_catalog, native_shape
from tests.proxy.support import (
    OPERATIONS,
    VENDORS,
    Process,
    RedisRegistry,
    SqliteRegistry,
    eventually,
    make_deployment,
    make_key,
    wait_synced,
)

REPLY = "Hello from the mock provider."
# "Be brief." + "Say hello to the gateway": 7 prompt words; the mock's reply: 5 words.
MESSAGES = [
    {"role": "system", "content": "Be brief."},
    {"role": "user", "content": "Say hello to the gateway"},
]
TOKENS = (7, 5, 12)


def native_operations(vendor: str) -> list[tuple[str, str]]:
    """The vendor's operations as the built-in catalog defines them."""
    if native_shape(VENDORS[vendor].driver) == "openai":
        return [(op.method, op.path) for op in OPERATIONS]
    spec = next(v for v in builtin_catalog() if v.slug == VENDORS[vendor].slug)
    paths = spec.api_definition["paths"]
    return [(method.upper(), path) for path, item in paths.items() for method in item]


def unified_deployment(
    mock_url: str,
    vendor: str,
    *,
    gateway_settings: dict[str, Any] | None = None,
    keyless: bool = False,
    **options: Any,
) -> DeploymentSnapshot:
    """An OpenAI-compatible API on `vendor`, with the operations the compiler publishes."""
    deployment = make_deployment(mock_url, vendor=vendor, **options)
    operations = unified_operations(native_operations(vendor))
    deployment = replace(
        deployment,
        api_type="unified",
        operations=tuple(Operation(method, path) for method, path in operations),
        gateway_settings=gateway_settings or {},
    )
    return without_key(deployment) if keyless else deployment


def without_key(deployment: DeploymentSnapshot) -> DeploymentSnapshot:
    assert deployment.production is not None
    return replace(deployment, production=Endpoint(deployment.production.url, ""))


@dataclass
class Gateway:
    """One proxy process and the registry it reads: Redis, or the embedded SQLite table."""

    mode: str
    proxy: Process
    registry: RedisRegistry | SqliteRegistry

    def publish(self, deployment: DeploymentSnapshot) -> str:
        """Deploy, subscribe a fresh key, wait until the proxy routes it; return the key."""
        self.registry.put_deployment(deployment)
        plain, snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"})
        self.registry.put_key(snapshot)
        wait_synced(self.proxy.url, self.registry)
        return plain

    def base_url(self, deployment: DeploymentSnapshot) -> str:
        return f"{self.proxy.url}/{deployment.route}"

    def usage_events(self) -> list[dict]:
        if isinstance(self.registry, RedisRegistry):
            return self.registry.usage_events()
        return self.registry.usage_rows()

    def metered(self, deployment: DeploymentSnapshot, count: int) -> list[dict]:
        """The usage events of a deployment's keyed calls (the readiness probe sends no key),
        once `count` of them have landed."""

        def landed() -> list[dict] | None:
            events = [
                e
                for e in self.usage_events()
                if e["api_id"] == deployment.api_id and e["key_id"] is not None
            ]
            return events if len(events) >= count else None

        return eventually(landed)


def tokens_of(event: dict) -> tuple[int, int, int]:
    return event["prompt_tokens"], event["completion_tokens"], event["total_tokens"]
