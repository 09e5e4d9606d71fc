"""The limiter the proxy calls: admit before forwarding, settle once the usage is known.

limiter = Limiter.from_config(LimiterConfig.from_env(), redis=client)  # in lifespan
decision = await limiter.admit(identity, TokenEstimate(prompt=120, completion=300))
if not decision.admitted: answer 429 with decision.code and decision.headers()
...forward...
await limiter.settle(decision, Usage(prompt_tokens=118, completion_tokens=41))
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

from proxy.limits.codes import REQUEST_TOO_LARGE_FOR_QUOTA, code_for, describe
from proxy.limits.config import LimiterConfig
from proxy.limits.decision import UNLIMITED, Decision, openai_duration
from proxy.limits.failover import FailoverCounters
from proxy.limits.lease import LeasePolicy, LeasingStore
from proxy.limits.model import CallIdentity, Counter, Dimension, TokenEstimate, Usage
from proxy.limits.redis_store import RedisStore
from proxy.limits.rules import amount_for, counters_for, reservation
from proxy.limits.store import (
    Adjustment,
    Clock,
    CounterStore,
    MemoryStore,
    Outcome,
    Take,
    Taken,
)


class LocalCounters:
    """The embedded mode's counters: one process, no Redis, the configured limits as they are."""

    degraded = False

    def __init__(self, store: MemoryStore) -> None:
        self.store = store

    async def acquire(self, takes: Sequence[Take]) -> tuple[CounterStore, Outcome]:
        return self.store, self.store.acquire_now(takes)

    async def adjust(self, store: CounterStore, adjustments: Sequence[Adjustment]) -> None:
        await store.adjust(adjustments)


class Limiter:
    def __init__(
        self, counters: LocalCounters | FailoverCounters, config: LimiterConfig, clock: Clock
    ) -> None:
        self._counters = counters
        self._default_max_tokens = config.default_max_tokens
        self._clock = clock

    @classmethod
    def from_config(
        cls, config: LimiterConfig | None = None, redis: Any = None, *, clock: Clock = time.time
    ) -> Limiter:
        """Shared counters in `redis` (a redis.asyncio client), or in-process without one."""
        config = config or LimiterConfig.from_env()
        if redis is None:
            return cls(LocalCounters(MemoryStore(clock)), config, clock)
        shared = RedisStore(
            redis, clock, prefix=config.key_prefix, timeout=config.redis_timeout_seconds
        )
        policy = LeasePolicy(
            min_limit=config.lease_min_limit,
            min_token_limit=config.lease_min_token_limit,
            replicas=config.expected_replicas,
            cap_divisor=config.lease_cap_divisor,
            horizon_seconds=config.lease_horizon_seconds,
        )
        counters = FailoverCounters(
            LeasingStore(shared, policy),
            MemoryStore(clock, divisor=config.expected_replicas),
            retry_seconds=config.retry_seconds,
        )
        return cls(counters, config, clock)

    @property
    def counters(self) -> LocalCounters | FailoverCounters:
        """The counters seam, for another kind of limit on the same counters (budgets)."""
        return self._counters

    @property
    def degraded(self) -> bool:
        """True while Redis is unreachable and limits are counted per process."""
        return self._counters.degraded

    async def admit(self, identity: CallIdentity, estimate: TokenEstimate | None) -> Decision:
        """Reserve one request and the estimated tokens on every level, atomically.

        `estimate` None skips the token counters (calls that spend no tokens).
        """
        return await self.reserve(counters_for(identity), estimate)

    async def reserve(
        self, counters: Sequence[Counter], estimate: TokenEstimate | None
    ) -> Decision:
        """`admit` for counters already resolved (the gateway resolves them once per call)."""
        if not counters:
            return UNLIMITED
        prompt, completion = reservation(estimate, self._default_max_tokens)
        takes = [
            Take(c, amount_for(c.dimension, prompt, completion))
            for c in counters
            if estimate is not None or not c.dimension.is_tokens
        ]
        if not takes:
            return UNLIMITED
        at = self._clock()
        store, outcome = await self._counters.acquire(takes)
        limits = [store.limit_of(take.counter) for take in takes]
        decision = Decision(
            admitted=outcome.failed is None,
            takes=takes,
            taken=outcome.taken,
            limits=limits,
            at=at,
            store=store,
        )
        if outcome.failed is None:
            decision.quota_exceeded = _soft_limit_passed(takes, outcome.taken, limits)
        else:
            index = outcome.failed
            _explain(decision, takes[index], outcome.taken[index], limits[index], at)
        return decision

    async def settle(self, decision: Decision, usage: Usage | None) -> None:
        """Charge the call's actual tokens instead of its reservation (refund or top up).

        `usage` None (unknown, e.g. a stream without a usage chunk) keeps the reservation
        as the charge; Usage() (nothing spent, e.g. the provider failed) refunds it all.
        """
        if not decision._takes or decision._settled or not decision.admitted:
            return
        decision._settled = True
        if usage is None:
            return
        adjustments = []
        for take, taken in zip(decision._takes, decision._taken, strict=True):
            dimension = take.counter.dimension
            if dimension is Dimension.REQUESTS:
                continue
            delta = _actual(dimension, usage) - take.amount
            if delta:
                adjustments.append(Adjustment(take.counter, taken.window_start, delta))
                taken.used = max(0, taken.used + delta)
        if adjustments and decision._store is not None:
            await self._counters.adjust(decision._store, adjustments)


def _actual(dimension: Dimension, usage: Usage) -> int:
    if dimension is Dimension.TOTAL_TOKENS:
        return usage.total
    return amount_for(dimension, usage.prompt_tokens, usage.completion_tokens)


def _soft_limit_passed(takes: list[Take], taken: list[Taken], limits: list[int]) -> bool:
    return any(
        not take.counter.hard and answer.used > limit
        for take, answer, limit in zip(takes, taken, limits, strict=True)
    )


def _explain(decision: Decision, take: Take, answer: Taken, limit: int, at: float) -> None:
    counter = take.counter
    reset = max(0.0, answer.window_start + counter.unit_seconds - at)
    words = describe(counter.level, counter.dimension, counter.limit, counter.unit_seconds)
    decision.error_type = "tokens" if counter.dimension.is_tokens else "requests"
    if counter.dimension.is_tokens and take.amount > counter.limit:
        decision.code = REQUEST_TOO_LARGE_FOR_QUOTA
        decision.message = (
            f"This request reserves {take.amount} tokens (prompt estimate + max_tokens), more "
            f"than {words} allows; lower max_tokens or shorten the prompt."
        )
        return  # no retry-after: waiting cannot help
    decision.code = code_for(counter.level, counter.dimension)
    decision.retry_after = max(1, math.ceil(reset))
    decision.message = (
        f"Rate limit reached: {words} ({answer.used} used, {take.amount} requested, "
        f"{limit} allowed now). Try again in {openai_duration(reset)}."
    )
