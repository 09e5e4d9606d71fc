"""The counters seam: what a store does, and the in-process store (embedded mode and fallback).

A store counts in fixed windows aligned to each counter's unit_seconds (window start =
floor(now / unit) * unit). `acquire` is all-or-nothing over the counters of one call: if any
hard counter would pass its limit nothing is taken. It may also grant `extra` budget beyond
the amount (a lease) when there is room, never past the limit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from proxy.limits.model import Counter

Clock = Callable[[], float]


@dataclass(slots=True)
class Take:
    """Ask `amount` of a counter's current window, and up to `extra` more as a lease."""

    counter: Counter
    amount: int
    extra: int = 0


@dataclass(slots=True)
class Taken:
    """The answer for one Take: the window's count after it, and the extra granted."""

    window_start: int
    used: int
    granted: int = 0


@dataclass(slots=True)
class Outcome:
    """All takes granted (`failed` is None), or the index of the first hard counter refused.

    `taken` has one entry per take either way; on refusal `used` is the count before the call.
    """

    taken: list[Taken]
    failed: int | None = None


@dataclass(slots=True)
class Adjustment:
    """Add `delta` (negative = refund) to a counter's window, if that window still exists."""

    counter: Counter
    window_start: int
    delta: int


class CounterStore(Protocol):
    clock: Clock

    def limit_of(self, counter: Counter) -> int: ...

    async def acquire(self, takes: Sequence[Take]) -> Outcome: ...

    async def adjust(self, adjustments: Sequence[Adjustment]) -> None: ...


def window_start(now: float, unit_seconds: int, anchor: int = 0) -> int:
    """Windows of unit_seconds counted from `anchor` (epoch seconds; 0 = aligned to the unit)."""
    return anchor + int((now - anchor) // unit_seconds) * unit_seconds


def refused(used: int, amount: int, limit: int) -> bool:
    """A zero-cost take is still refused once the window is spent."""
    return used + max(amount, 1) > limit


def lease_grant(extra: int, room: int, divisor: int) -> int:
    """Extra budget to lend: shrinks as the window fills, so leases never strand much of it."""
    if extra <= 0 or room <= 0:
        return 0
    return min(extra, room // max(1, divisor))


class MemoryStore:
    """Counters in this process only: one dict of (counter key, window end) -> count.

    `divisor` > 1 makes it the fallback while Redis is down: each process then allows
    limit // divisor (at least 1, but never more than the limit: a limit of 0 stays 0), so
    N replicas together stay near the configured limit.
    """

    def __init__(self, clock: Clock, *, divisor: int = 1, lease_divisor: int = 2) -> None:
        self.clock = clock
        self._divisor = max(1, divisor)
        self._lease_divisor = lease_divisor
        self._counts: dict[tuple[str, int], int] = {}
        self._next_prune = 0.0

    def limit_of(self, counter: Counter) -> int:
        if self._divisor == 1:
            return counter.limit
        return min(counter.limit, max(1, counter.limit // self._divisor))

    async def acquire(self, takes: Sequence[Take]) -> Outcome:
        return self.acquire_now(takes)

    def acquire_now(self, takes: Sequence[Take]) -> Outcome:
        now = self.clock()
        self._prune(now)
        windows = [window_start(now, t.counter.unit_seconds, t.counter.anchor) for t in takes]
        keys = [
            (take.counter.key, start + take.counter.unit_seconds)
            for take, start in zip(takes, windows, strict=True)
        ]
        used = [self._counts.get(key, 0) for key in keys]
        for index, take in enumerate(takes):
            limit = self.limit_of(take.counter)
            if take.counter.hard and refused(used[index], take.amount, limit):
                taken = [Taken(w, u) for w, u in zip(windows, used, strict=True)]
                return Outcome(taken, failed=index)
        taken = []
        for take, key, start, before in zip(takes, keys, windows, used, strict=True):
            room = self.limit_of(take.counter) - before - take.amount
            granted = lease_grant(take.extra, room, self._lease_divisor)
            after = before + take.amount + granted
            self._counts[key] = after
            taken.append(Taken(start, after, granted))
        return Outcome(taken)

    async def adjust(self, adjustments: Sequence[Adjustment]) -> None:
        for item in adjustments:
            key = (item.counter.key, item.window_start + item.counter.unit_seconds)
            if key in self._counts:
                self._counts[key] = max(0, self._counts[key] + item.delta)

    def clear(self) -> None:
        self._counts.clear()

    def _prune(self, now: float) -> None:
        """Drop finished windows now and then, so the dict stays the size of live counters."""
        if now < self._next_prune:
            return
        self._next_prune = now + 5.0
        for key in [key for key in self._counts if key[1] <= now]:
            del self._counts[key]
