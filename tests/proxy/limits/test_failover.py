"""Redis dies mid-test: limits fall back per process (never unlimited), then resume shared."""

from __future__ import annotations

import asyncio
import logging
import time

from proxy.contract import Limits
from proxy.limits import Limiter, LimiterConfig
from proxy.limits.failover import FailoverCounters
from proxy.limits.lease import LeasePolicy, LeasingStore
from proxy.limits.store import MemoryStore

from .helpers import FakeClock, identity, redis_client, run


async def _admit_many(limiter: Limiter, ident, count: int) -> list:
    return [await limiter.admit(ident, None) for _ in range(count)]


async def _until_shared(limiter: Limiter, ident, deadline_seconds: float = 10.0) -> list:
    """Keep calling (as traffic would) until a probe finds Redis back."""
    decisions = []
    deadline = time.monotonic() + deadline_seconds
    while limiter.degraded and time.monotonic() < deadline:
        decisions.append(await limiter.admit(ident, None))
        await asyncio.sleep(0.05)
    return decisions


def test_redis_outage_falls_back_to_limit_per_replica_then_recovers(private_redis, caplog):
    caplog.set_level(logging.WARNING, logger="tollgate.limits")
    clock = FakeClock()
    config = LimiterConfig(expected_replicas=3, retry_seconds=0.2, redis_timeout_seconds=0.5)
    ident = identity(plan=Limits(requests=60))

    async def scenario():
        client = redis_client(private_redis.url)
        limiter = Limiter.from_config(config, client, clock=clock)
        before = await _admit_many(limiter, ident, 10)
        assert not limiter.degraded
        private_redis.stop()
        during = await _admit_many(limiter, ident, 30)
        degraded = limiter.degraded
        private_redis.start()
        probing = await _until_shared(limiter, ident)
        after = await _admit_many(limiter, ident, 70)
        shared = [int(await client.get(key)) async for key in client.scan_iter(match="tg:rl:*")]
        await client.aclose()
        return before, during, degraded, probing, after, shared, limiter.degraded

    before, during, degraded, probing, after, shared, still_degraded = run(scenario())
    assert all(d.admitted for d in before)
    assert degraded
    assert sum(d.admitted for d in during) == 20  # 60 / 3 replicas, not unlimited
    assert {d.code for d in during if not d.admitted} == {"rate_limit_requests"}
    assert dict(during[0].headers())["x-ratelimit-limit-requests"] == "20"
    assert not still_degraded
    # the restarted Redis lost its counts: the shared limit starts over and holds again
    assert shared == [60]
    assert sum(d.admitted for d in after) >= 59  # the successful probe itself took one
    assert after[-1].code == "rate_limit_requests"
    assert dict(after[-1].headers())["x-ratelimit-limit-requests"] == "60"
    warnings = [r.getMessage() for r in caplog.records if r.name == "tollgate.limits"]
    assert len([m for m in warnings if "Redis unavailable" in m]) == 1
    assert len([m for m in warnings if "Redis is back" in m]) == 1


class _FlappingStore:
    """A shared store that times out while `down` is set, as a flapping Redis does."""

    def __init__(self, clock) -> None:
        self.clock = clock
        self.shared = MemoryStore(clock)
        self.down = False

    def limit_of(self, counter):
        return counter.limit

    async def acquire(self, takes):
        if self.down:
            raise TimeoutError
        return self.shared.acquire_now(takes)

    async def adjust(self, adjustments):
        await self.shared.adjust(adjustments)


def test_a_flapping_redis_never_grants_a_fresh_share_per_outage():
    clock = FakeClock()
    flapping = _FlappingStore(clock)
    counters = FailoverCounters(
        LeasingStore(flapping, LeasePolicy(replicas=3)),
        MemoryStore(clock, divisor=3),
        retry_seconds=0.0,  # every call probes: each outage is a new degradation
    )
    limiter = Limiter(counters, LimiterConfig(), clock)
    ident = identity(plan=Limits(requests=60))

    async def scenario() -> int:
        admitted = 0
        for _ in range(5):
            flapping.down = False
            admitted += sum([(await limiter.admit(ident, None)).admitted for _ in range(5)])
            flapping.down = True
            admitted += sum([(await limiter.admit(ident, None)).admitted for _ in range(30)])
        return admitted

    # 25 shared admissions, and one share (60 / 3) in total across the five outages
    assert run(scenario()) == 25 + 20
