"""Snapshot types shared by the control plane (which compiles them) and the proxy.

Snapshots travel as JSON. The control plane builds them with `to_json`; the proxy parses them
with `from_json`. Both sides import this module, so the shape is defined once.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import orjson

DEPLOYMENT = "deployment"
KEY = "key"
KNOWLEDGE = "knowledge"
DEFAULT_REDIS_PREFIX = "tg"


def deployment_key(environment: str, tenant: str, route: str) -> str:
    return f"{environment}:{tenant}:{route}"


@dataclass(frozen=True, slots=True)
class RedisNames:
    """Every Redis key and channel of one installation, under its prefix (TOLLGATE_REDIS_PREFIX),
    so several installations (or parallel test workers) can share one Redis database."""

    prefix: str = DEFAULT_REDIS_PREFIX

    @property
    def deployments(self) -> str:
        """The hash of deployment snapshots, by deployment key."""
        return f"{self.prefix}:reg:{DEPLOYMENT}"

    def key(self, digest: str) -> str:
        """The string holding one key snapshot."""
        return f"{self.prefix}:reg:{KEY}:{digest}"

    def knowledge(self, index_key: str) -> str:
        """The string holding one collection's compiled index ("<tenant id>:<slug>")."""
        return f"{self.prefix}:reg:{KNOWLEDGE}:{index_key}"

    @property
    def version(self) -> str:
        """The counter that hands out registry versions."""
        return f"{self.prefix}:reg:version"

    @property
    def committed(self) -> str:
        """The highest version written so far: what a proxy that loaded everything has applied."""
        return f"{self.prefix}:reg:committed"

    @property
    def generation(self) -> str:
        """A token the control plane sets after publishing everything into this Redis: absent
        means the Redis lost its data and a full republish is still to come."""
        return f"{self.prefix}:reg:generation"

    @property
    def invalidations(self) -> str:
        """The pub/sub channel announcing each change as {kind, key, version}."""
        return f"{self.prefix}:reg:invalidate"

    @property
    def usage_stream(self) -> str:
        return f"{self.prefix}:usage"

    @property
    def circuits_open(self) -> str:
        """The hash of open circuits: target key -> epoch seconds it stays open until."""
        return f"{self.prefix}:circuit:open"

    @property
    def circuit_failures(self) -> str:
        """The hash of consecutive failures by target key, shared by the proxy replicas."""
        return f"{self.prefix}:circuit:fails"

    def circuit_probe(self, target_key: str) -> str:
        """Held by the replica sending a half-open circuit's one probe."""
        return f"{self.prefix}:circuit:probe:{target_key}"

    @property
    def counters(self) -> str:
        """The default prefix of the rate-limit counters."""
        return f"{self.prefix}:rl"


@dataclass(frozen=True, slots=True)
class Limits:
    """Quotas per `unit_seconds`; None means unlimited."""

    requests: int | None = None
    total_tokens: int | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    unit_seconds: int = 60
    stop_on_quota: bool = True

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Limits | None:
        return cls(**data) if data else None

    @property
    def is_unlimited(self) -> bool:
        return all(
            v is None
            for v in (self.requests, self.total_tokens, self.prompt_tokens, self.completion_tokens)
        )


@dataclass(frozen=True, slots=True)
class Auth:
    scheme: str = "header"  # header | query | none
    name: str = "Authorization"
    prefix: str = "Bearer "


@dataclass(frozen=True, slots=True)
class Vendor:
    slug: str
    name: str
    version: str
    driver: str
    auth: Auth
    usage_paths: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Vendor:
        return cls(**{**data, "auth": Auth(**data["auth"])})


@dataclass(frozen=True, slots=True)
class Endpoint:
    url: str
    credential: str = ""  # Fernet token; decrypted in memory only
    settings: dict[str, Any] = field(default_factory=dict)


def target_key(tenant_id: int, api_id: int, kind: str, name: str) -> str:
    """Names a pool target's circuit, stable across revisions."""
    return f"{tenant_id}:{api_id}:{kind}:{name}"


@dataclass(frozen=True, slots=True)
class Target:
    """One member of a side's pool: its own endpoint and credential, and optionally another
    vendor (on an OpenAI-compatible API) and a model that replaces the caller's."""

    name: str
    endpoint: Endpoint
    vendor: Vendor | None = None  # None: the API's vendor
    model: str = ""
    weight: int = 1
    priority: int = 0  # lower first; the next group only when a whole group failed

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Target:
        vendor = data.get("vendor")
        return cls(
            **{
                **data,
                "endpoint": Endpoint(**data["endpoint"]),
                "vendor": Vendor.from_dict(vendor) if vendor else None,
            }
        )


@dataclass(frozen=True, slots=True)
class Operation:
    method: str
    path: str


@dataclass(frozen=True, slots=True)
class DeploymentSnapshot:
    """What the proxy needs to serve one deployed API revision in one gateway environment."""

    version: int
    environment: str
    tenant_id: int
    tenant_slug: str
    api_id: int
    api_uuid: str
    api_name: str
    api_version: str
    route: str  # resolved context, e.g. "2.3.0/openaiapi"
    revision_id: int
    revision_number: int
    lifecycle_state: str
    api_type: str  # native | unified
    vendor: Vendor
    operations: tuple[Operation, ...]
    production: Endpoint | None = None
    sandbox: Endpoint | None = None
    allowed_plan_ids: tuple[int, ...] = ()
    backend_limits: dict[str, Limits] = field(default_factory=dict)
    request_size_limit: int | None = None
    gateway_settings: dict[str, Any] = field(default_factory=dict)
    # The publisher's opt-in to relay the provider account's headers (headers.py).
    pass_provider_headers: bool = False
    # A side with more than one target: its pool (the endpoint above is its first target) and
    # how it balances, retries and breaks circuits (docs/routing.md). Empty: today's one endpoint.
    production_pool: tuple[Target, ...] = ()
    sandbox_pool: tuple[Target, ...] = ()
    routing: dict[str, Any] = field(default_factory=dict)
    # AI policies in execution order, as proxy/policies/spec.py reads them
    policies: tuple[dict[str, Any], ...] = ()
    prices: dict[str, Any] = field(default_factory=dict)  # proxy/costs/prices.py
    budgets: list[dict[str, Any]] = field(default_factory=list)  # tenant and API budgets

    @property
    def key(self) -> str:
        return deployment_key(self.environment, self.tenant_slug, self.route)

    def endpoint_for(self, key_type: str) -> Endpoint | None:
        return self.production if key_type == "production" else self.sandbox

    def to_json(self) -> bytes:
        return orjson.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: bytes | str) -> DeploymentSnapshot:
        data = orjson.loads(raw)
        return cls(
            **{
                **data,
                "vendor": Vendor.from_dict(data["vendor"]),
                "operations": tuple(Operation(**op) for op in data["operations"]),
                "production": Endpoint(**data["production"]) if data["production"] else None,
                "sandbox": Endpoint(**data["sandbox"]) if data["sandbox"] else None,
                "allowed_plan_ids": tuple(data["allowed_plan_ids"]),
                "backend_limits": {
                    kind: Limits(**lim) for kind, lim in data["backend_limits"].items() if lim
                },
                "production_pool": _targets(data.get("production_pool")),
                "sandbox_pool": _targets(data.get("sandbox_pool")),
                "policies": tuple(data.get("policies", ())),
            }
        )


def _targets(data: list[dict[str, Any]] | None) -> tuple[Target, ...]:
    return tuple(Target.from_dict(target) for target in data or ())


@dataclass(frozen=True, slots=True)
class SubscriptionGrant:
    subscription_id: int
    plan_id: int
    plan_name: str
    status: str  # ACTIVE | BLOCKED | PROD_ONLY_BLOCKED
    limits: Limits | None = None


@dataclass(frozen=True, slots=True)
class KeySnapshot:
    """What the proxy needs to authenticate one key, looked up by its HMAC digest."""

    version: int
    digest: str
    key_id: int
    tenant_id: int
    tenant_slug: str
    application_id: int
    application_name: str
    key_type: str  # production | sandbox
    expires_at: float | None  # epoch seconds
    subscriptions: dict[str, SubscriptionGrant]  # api_id (as str) -> grant
    application_limits: Limits | None = None
    console_api_id: int | None = None  # a publisher Test console key, for this API only
    budgets: list[dict[str, Any]] = field(default_factory=list)  # application, subscription, key

    def grant_for(self, api_id: int) -> SubscriptionGrant | None:
        return self.subscriptions.get(str(api_id))

    def to_json(self) -> bytes:
        return orjson.dumps(asdict(self))

    @classmethod
    def from_json(cls, raw: bytes | str) -> KeySnapshot:
        data = orjson.loads(raw)
        grants = {
            api_id: SubscriptionGrant(**{**g, "limits": Limits.from_dict(g.get("limits"))})
            for api_id, g in data["subscriptions"].items()
        }
        return cls(
            **{
                **data,
                "subscriptions": grants,
                "application_limits": Limits.from_dict(data.get("application_limits")),
            }
        )
