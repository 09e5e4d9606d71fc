"""The limits vocabulary, shared by the gateway and the engine: who calls, what a call may
spend and did spend, and which counters it touches."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from proxy.contract import DeploymentSnapshot, KeySnapshot, Limits, SubscriptionGrant


class Level(StrEnum):
    """Where a limit comes from. Every level is checked on every call."""

    PLAN = "plan"  # the subscription's plan (per application and API)
    APPLICATION = "application"  # the application's tier (across every API it calls)
    BACKEND = "backend"  # the API's own limit per key type, protecting the provider quota
    BUDGET = "budget"  # a limit in money (proxy/costs/budgets.py)


class Dimension(StrEnum):
    REQUESTS = "requests"
    TOTAL_TOKENS = "total_tokens"
    PROMPT_TOKENS = "prompt_tokens"
    COMPLETION_TOKENS = "completion_tokens"
    COST = "cost"  # money in micro-units of the budget's currency (budgets, proxy/costs)

    @property
    def is_tokens(self) -> bool:
        return self is not Dimension.REQUESTS


@dataclass(frozen=True, slots=True)
class Counter:
    """One shared count: a scope, a dimension and its limit per fixed window of unit_seconds."""

    key: str  # e.g. "7:plan:42:requests:60"; the window start is appended per window
    level: Level
    dimension: Dimension
    limit: int
    unit_seconds: int
    hard: bool  # False: over the limit the call still passes and is flagged quota_exceeded
    anchor: int = 0  # windows start at anchor + k × unit_seconds (e.g. a budget's month start)


@dataclass(frozen=True, slots=True)
class CallIdentity:
    """The ids and limits of one call, taken from the key and deployment snapshots."""

    tenant_id: int
    api_id: int
    application_id: int
    subscription_id: int | None
    key_type: str  # production | sandbox
    plan_limits: Limits | None = None
    application_limits: Limits | None = None
    backend_limits: Limits | None = None

    @classmethod
    def from_snapshots(
        cls, deployment: DeploymentSnapshot, key: KeySnapshot, grant: SubscriptionGrant | None
    ) -> CallIdentity:
        return cls(
            tenant_id=key.tenant_id,
            api_id=deployment.api_id,
            application_id=key.application_id,
            subscription_id=grant.subscription_id if grant else None,
            key_type=key.key_type,
            plan_limits=grant.limits if grant else None,
            application_limits=key.application_limits,
            backend_limits=deployment.backend_limits.get(key.key_type),
        )


@dataclass(frozen=True, slots=True)
class TokenEstimate:
    """What a call may spend: the prompt's estimated tokens and the completion it may produce.

    `completion` None means the request set no max_tokens: the limiter reserves its configured
    default instead.
    """

    prompt: int = 0
    completion: int | None = None


@dataclass(slots=True)
class Usage:
    """What a call spent, as the provider reported it (a stream reports it piecemeal: merge).

    The drivers fill it, the usage event records it and the limiter settles with it.
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0  # 0 when the provider sent none: the sum of the two counts then
    model: str = ""  # the model the upstream says answered
    # Details the prices need (each a part of prompt_tokens or completion_tokens, as vendors
    # bill them): prompt tokens read from the provider's cache, written to it, and reasoning.
    cached_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0

    @property
    def total(self) -> int:
        return self.total_tokens or self.prompt_tokens + self.completion_tokens

    @property
    def reported(self) -> bool:
        return bool(self.prompt_tokens or self.completion_tokens or self.total_tokens)

    def merge(self, other: Usage) -> None:
        """Take the non-zero fields of a later report."""
        self.prompt_tokens = other.prompt_tokens or self.prompt_tokens
        self.completion_tokens = other.completion_tokens or self.completion_tokens
        self.total_tokens = other.total_tokens or (self.prompt_tokens + self.completion_tokens)
        self.model = other.model or self.model
        self.cached_tokens = other.cached_tokens or self.cached_tokens
        self.cache_write_tokens = other.cache_write_tokens or self.cache_write_tokens
        self.reasoning_tokens = other.reasoning_tokens or self.reasoning_tokens
