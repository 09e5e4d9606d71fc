"""Shared counters in Redis: the Lua script, exactness under concurrency, leases, settles."""

from __future__ import annotations

import asyncio

from proxy.contract import Limits
from proxy.limits import Counter, Dimension, Level, Limiter, LimiterConfig, TokenEstimate, Usage
from proxy.limits.redis_store import EXPIRY_GRACE_SECONDS, RedisStore
from proxy.limits.store import Take

from .helpers import PATIENT_SECONDS, FakeClock, identity, redis_client, run


def patient(prefix: str) -> LimiterConfig:
    """Exact counts need every round trip answered: a loaded machine must not turn a slow one
    into the (correct, but per-process) fallback."""
    return LimiterConfig(key_prefix=prefix, redis_timeout_seconds=PATIENT_SECONDS)


def _counter(limit: int, key: str, *, hard: bool = True, unit: int = 60) -> Counter:
    return Counter(f"{key}:{unit}", Level.PLAN, Dimension.REQUESTS, limit, unit, hard)


def test_script_is_all_or_nothing_and_expires_with_the_window(redis_url, clean_prefix, clock):
    async def scenario():
        client = redis_client(
            redis_url, wait_seconds=PATIENT_SECONDS, connect_seconds=PATIENT_SECONDS
        )
        store = RedisStore(client, clock, prefix=clean_prefix)
        ok = await store.acquire([Take(_counter(2, "a"), 1), Take(_counter(5, "b"), 1)])
        refused = await store.acquire([Take(_counter(5, "b"), 1), Take(_counter(0, "c"), 1)])
        again = await store.acquire([Take(_counter(5, "b"), 1)])
        key = store.window_key("a:60", ok.taken[0].window_start)
        expire_ms = await client.pexpiretime(key)
        await client.aclose()
        return ok, refused, again, expire_ms

    ok, refused, again, expire_ms = run(scenario())
    assert ok.failed is None and [t.used for t in ok.taken] == [1, 1]
    assert refused.failed == 1 and [t.used for t in refused.taken] == [1, 0]
    assert again.taken[0].used == 2  # the refused call took nothing from "b"
    assert expire_ms == (ok.taken[0].window_start + 60 + EXPIRY_GRACE_SECONDS) * 1000


def test_concurrent_admits_never_pass_the_limit(redis_url, clean_prefix, clock):
    async def scenario():
        client = redis_client(
            redis_url, wait_seconds=PATIENT_SECONDS, connect_seconds=PATIENT_SECONDS
        )
        limiter = Limiter.from_config(patient(clean_prefix), client, clock=clock)
        ident = identity(plan=Limits(requests=25))
        decisions = await asyncio.gather(*(limiter.admit(ident, None) for _ in range(80)))
        await client.aclose()
        return decisions

    decisions = run(scenario())
    assert sum(d.admitted for d in decisions) == 25
    remaining = sorted(
        int(dict(d.headers())["x-ratelimit-remaining-requests"]) for d in decisions if d.admitted
    )
    assert remaining == list(range(25))  # each admitted call saw its own count
    assert all(d.retry_after == 30 for d in decisions if not d.admitted)


def test_token_settles_refund_in_redis(redis_url, clean_prefix, clock):
    async def scenario():
        client = redis_client(
            redis_url, wait_seconds=PATIENT_SECONDS, connect_seconds=PATIENT_SECONDS
        )
        limiter = Limiter.from_config(patient(clean_prefix), client, clock=clock)
        ident = identity(plan=Limits(total_tokens=1000))
        first = await limiter.admit(ident, TokenEstimate(10, 300))
        await limiter.settle(first, Usage(10, 40))
        probe = await limiter.admit(ident, TokenEstimate(0, 0))
        await client.aclose()
        return dict(probe.headers())["x-ratelimit-remaining-tokens"]

    assert run(scenario()) == "950"


def test_leases_cut_round_trips_and_keep_two_processes_under_the_limit(redis_url, clean_prefix):
    clock = FakeClock()
    config = LimiterConfig(
        key_prefix=clean_prefix,
        lease_min_limit=100,
        lease_cap_divisor=4,
        redis_timeout_seconds=PATIENT_SECONDS,
    )
    limit = 2000
    trips = [0]

    async def scenario():
        client = redis_client(
            redis_url, wait_seconds=PATIENT_SECONDS, connect_seconds=PATIENT_SECONDS
        )
        limiters = [Limiter.from_config(config, client, clock=clock) for _ in range(2)]
        for limiter in limiters:
            _count_trips(limiter, trips)
        ident = identity(plan=Limits(requests=limit))
        admitted = refused = 0
        for step in range(3000):
            clock.advance(0.005)
            decision = await limiters[step % 2].admit(ident, None)
            admitted += decision.admitted
            refused += not decision.admitted
        await client.aclose()
        return admitted, refused

    admitted, refused = run(scenario())
    assert admitted <= limit
    assert admitted >= limit - 2 * (limit // 8)  # at most one stranded lease per process
    assert trips[0] - refused < admitted / 10  # refusals still ask Redis: budget may free up


def _count_trips(limiter: Limiter, trips: list[int]) -> None:
    shared = limiter._counters.primary.inner
    acquire = shared.acquire

    async def counted(takes):
        trips[0] += 1
        return await acquire(takes)

    shared.acquire = counted
