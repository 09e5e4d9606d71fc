"""The in-process store: fixed windows, all-or-nothing takes, leases, fallback division."""

from __future__ import annotations

import asyncio

from proxy.limits import Counter, Dimension, Level
from proxy.limits.store import Adjustment, MemoryStore, Take

from .helpers import FakeClock


def counter(limit: int, *, unit: int = 60, hard: bool = True, key: str = "c") -> Counter:
    return Counter(f"{key}:{unit}", Level.PLAN, Dimension.REQUESTS, limit, unit, hard)


def test_fixed_windows_align_to_the_unit(clock: FakeClock):
    store = MemoryStore(clock)
    outcome = store.acquire_now([Take(counter(5, unit=60), 1)])
    assert outcome.taken[0].window_start == 1_800_000_000
    clock.advance(29.9)
    assert store.acquire_now([Take(counter(5, unit=60), 1)]).taken[0].used == 2
    clock.advance(0.1)
    assert store.acquire_now([Take(counter(5, unit=60), 1)]).taken[0].used == 1


def test_refusal_takes_nothing(clock):
    store = MemoryStore(clock)
    takes = [Take(counter(5, key="a"), 1), Take(counter(0, key="b"), 1)]
    outcome = store.acquire_now(takes)
    assert outcome.failed == 1
    assert store.acquire_now([Take(counter(5, key="a"), 1)]).taken[0].used == 1


def test_leases_are_granted_only_from_room_and_shrink_as_it_fills(clock):
    store = MemoryStore(clock, lease_divisor=2)
    big = counter(100)
    first = store.acquire_now([Take(big, 10, extra=1000)])
    assert first.taken[0].granted == 45  # half of the 90 left
    second = store.acquire_now([Take(big, 10, extra=1000)])
    assert second.taken[0].granted == 17
    assert second.taken[0].used == 82


def test_fallback_divides_limits_but_never_to_zero(clock):
    store = MemoryStore(clock, divisor=3)
    assert store.limit_of(counter(60)) == 20
    assert store.limit_of(counter(2)) == 1


def test_fallback_keeps_a_zero_limit_at_zero(clock):
    store = MemoryStore(clock, divisor=3)
    assert store.limit_of(counter(0)) == 0
    assert store.acquire_now([Take(counter(0), 1)]).failed == 0


def test_adjust_refunds_within_the_window_and_never_below_zero(clock):
    store = MemoryStore(clock)
    tokens = counter(1000)
    outcome = store.acquire_now([Take(tokens, 300)])
    start = outcome.taken[0].window_start
    asyncio.run(store.adjust([Adjustment(tokens, start, -500)]))
    assert store.acquire_now([Take(tokens, 0)]).taken[0].used == 0
    clock.advance(60)
    asyncio.run(store.adjust([Adjustment(tokens, start, 50)]))  # the old window is gone
    assert store.acquire_now([Take(tokens, 0)]).taken[0].used == 0
