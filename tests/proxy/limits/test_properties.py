"""Property tests: whatever the limit, window shape or burst, admitted never passes the limit."""

from __future__ import annotations

import asyncio
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proxy.contract import Limits
from proxy.limits import Limiter, LimiterConfig, TokenEstimate, Usage
from proxy.limits.failover import FailoverCounters
from proxy.limits.lease import LeasePolicy, LeasingStore
from proxy.limits.store import MemoryStore, window_start

from .helpers import PATIENT_SECONDS, FakeClock, identity, redis_client, run

UNITS = st.sampled_from([1, 2, 5, 60, 3600, 86400])
ALIGNED = 1_800_000_000 // 86400 * 86400  # a day boundary, so every unit starts here
# Same examples on every run (CI must not find a new one by chance); the clocks are fake, so
# how long an example takes never matters.
DETERMINISTIC = settings(
    derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@DETERMINISTIC
@given(
    limit=st.integers(0, 40),
    unit=UNITS,
    offset=st.floats(0, 0.999),
    bursts=st.lists(st.tuples(st.floats(0, 1.5), st.integers(0, 25)), max_size=25),
)
def test_one_process_admits_exactly_min_of_attempts_and_limit_per_window(
    limit, unit, offset, bursts
):
    clock = FakeClock(ALIGNED + offset * unit)
    limiter = Limiter.from_config(LimiterConfig(), clock=clock)
    ident = identity(plan=Limits(requests=limit, unit_seconds=unit))
    attempts: dict[int, int] = {}
    admitted: dict[int, int] = {}

    async def scenario():
        for gap, size in bursts:
            clock.advance(gap * unit)
            window = window_start(clock.now, unit)
            decisions = await asyncio.gather(*(limiter.admit(ident, None) for _ in range(size)))
            attempts[window] = attempts.get(window, 0) + size
            admitted[window] = admitted.get(window, 0) + sum(d.admitted for d in decisions)

    run(scenario())
    for window, tried in attempts.items():
        assert admitted[window] == min(tried, limit)


def _leasing_limiter(shared: MemoryStore, policy: LeasePolicy, clock: FakeClock) -> Limiter:
    counters = FailoverCounters(LeasingStore(shared, policy), MemoryStore(clock))
    return Limiter(counters, LimiterConfig(), clock)


@DETERMINISTIC
@given(
    token_limit=st.integers(0, 5000),
    request_limit=st.integers(0, 200),
    unit=UNITS,
    processes=st.integers(1, 4),
    lease_min=st.sampled_from([1, 100, 10**9]),
    steps=st.lists(
        st.tuples(
            st.integers(0, 3),  # which process
            st.integers(0, 600),  # tokens reserved
            st.floats(0, 1),  # share of the reservation actually used
            st.floats(0, 0.3),  # time passing, in units
            st.booleans(),  # settle the oldest open call now
        ),
        max_size=80,
    ),
)
def test_processes_sharing_leases_never_pass_the_limits(
    token_limit, request_limit, unit, processes, lease_min, steps
):
    clock = FakeClock(ALIGNED)
    shared = MemoryStore(clock)
    policy = LeasePolicy(lease_min, lease_min, replicas=processes, cap_divisor=2)
    limiters = [_leasing_limiter(shared, policy, clock) for _ in range(processes)]
    plan = Limits(requests=request_limit, total_tokens=token_limit, unit_seconds=unit)
    ident = identity(plan=plan)
    open_calls: list[tuple[Limiter, object, int]] = []
    admitted: dict[int, int] = {}

    async def scenario():
        for who, reserve, share, gap, settle in steps:
            clock.advance(gap * unit)
            limiter = limiters[who % processes]
            decision = await limiter.admit(ident, TokenEstimate(prompt=0, completion=reserve))
            if decision.admitted:
                window = window_start(clock.now, unit)
                admitted[window] = admitted.get(window, 0) + 1
                open_calls.append((limiter, decision, int(reserve * share)))
            if settle and open_calls:
                owner, oldest, used = open_calls.pop(0)
                await owner.settle(oldest, Usage(completion_tokens=used))
            _assert_shared_counts_within(shared, request_limit, token_limit)

    run(scenario())
    assert all(count <= request_limit for count in admitted.values())


def _assert_shared_counts_within(shared: MemoryStore, request_limit: int, token_limit: int):
    for (key, _end), count in shared._counts.items():
        limit = request_limit if ":requests:" in key else token_limit
        assert count <= limit, (key, count, limit)


@settings(DETERMINISTIC, max_examples=20)
@given(
    limit=st.integers(0, 60),
    bursts=st.lists(st.integers(1, 50), min_size=1, max_size=4),
    lease_min=st.sampled_from([10, 10**6]),
)
def test_three_limiters_on_redis_admit_at_most_the_limit(redis_url, limit, bursts, lease_min):
    prefix = f"tg:rl:test:{uuid.uuid4().hex[:12]}"
    config = LimiterConfig(
        key_prefix=prefix,
        lease_min_limit=lease_min,
        expected_replicas=3,
        redis_timeout_seconds=PATIENT_SECONDS,
    )
    clock = FakeClock()
    ident = identity(plan=Limits(requests=limit))

    async def scenario() -> int:
        clients = [
            redis_client(redis_url, wait_seconds=PATIENT_SECONDS, connect_seconds=PATIENT_SECONDS)
            for _ in range(3)
        ]
        limiters = [Limiter.from_config(config, client, clock=clock) for client in clients]
        admitted = 0
        for size in bursts:
            calls = (limiters[i % 3].admit(ident, None) for i in range(size))
            admitted += sum(d.admitted for d in await asyncio.gather(*calls))
        keys = [key async for key in clients[0].scan_iter(match=f"{prefix}:*")]
        if keys:
            await clients[0].delete(*keys)
        for client in clients:
            await client.aclose()
        return admitted

    admitted = run(scenario())
    assert admitted <= limit
    if lease_min > limit:  # no leases: exact
        assert admitted == min(sum(bursts), limit)
