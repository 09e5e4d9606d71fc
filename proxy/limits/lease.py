"""Leases: slices of a shared limit that one process takes from Redis and spends locally.

A lease is taken inside the same atomic acquire that admits a call (as `extra` budget), so
the sum of every process's leases and spends never passes the limit: N processes still admit
at most L. The slice is sized from this process's observed rate in the current window, so a
quiet process asks for nothing extra (every call is a round trip, exact), a busy one for
about `horizon` seconds of its traffic, capped at limit / (replicas * cap_divisor). Limits
below `min_limit` (requests) or `min_token_limit` never lease: small limits stay exact per
call. Unspent leases expire with their window; refunds beyond the cap go back to Redis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from proxy.limits.model import Counter
from proxy.limits.store import Adjustment, CounterStore, Outcome, Take, Taken, window_start


@dataclass(slots=True)
class LeasePolicy:
    min_limit: int = 1000  # requests
    min_token_limit: int = 100_000  # a call reserves hundreds of tokens: "small" is larger
    replicas: int = 1
    cap_divisor: int = 16
    horizon_seconds: float = 0.25

    def leases(self, counter: Counter) -> bool:
        floor = self.min_token_limit if counter.dimension.is_tokens else self.min_limit
        return counter.limit >= floor

    def cap(self, counter: Counter) -> int:
        if not self.leases(counter):
            return 0
        return counter.limit // (max(1, self.replicas) * self.cap_divisor)


@dataclass(slots=True)
class _Lease:
    window_start: int
    window_end: int
    opened_at: float  # when this process first needed the counter in this window
    available: int = 0  # leased from the shared window and not spent yet
    shared_used: int = 0  # the shared window's count at this process's last round trip
    spent: int = 0  # spent by this process in this window: its observed rate


class LeasingStore:
    """A CounterStore in front of another (Redis) that spends leased budget without a trip."""

    def __init__(self, inner: CounterStore, policy: LeasePolicy) -> None:
        self.inner = inner
        self.clock = inner.clock
        self.policy = policy
        self._leases: dict[str, _Lease] = {}
        self._next_prune = 0.0

    def limit_of(self, counter: Counter) -> int:
        return counter.limit

    def clear(self) -> None:
        self._leases.clear()

    async def acquire(self, takes: Sequence[Take]) -> Outcome:
        now = self.clock()
        self._prune(now)
        leases = [self._lease_for(take.counter, now) for take in takes]
        local = [0] * len(takes)
        remote: list[Take] = []
        remote_index: list[int] = []
        for index, (take, lease) in enumerate(zip(takes, leases, strict=True)):
            if lease is not None and lease.available >= max(take.amount, 1):
                local[index] = take.amount
                lease.available -= take.amount
                continue
            if lease is not None:
                local[index] = min(lease.available, take.amount)
                lease.available -= local[index]
            extra = self._extra(take.counter, lease, now)
            remote.append(Take(take.counter, take.amount - local[index], extra))
            remote_index.append(index)
        if not remote:
            return self._local_outcome(takes, leases)
        try:
            outcome = await self.inner.acquire(remote)
        except BaseException:
            self._give_back(leases, local)
            raise
        if outcome.failed is not None:
            self._give_back(leases, local)
            return self._merge(takes, leases, remote_index, outcome, remote_index[outcome.failed])
        return self._merge(takes, leases, remote_index, outcome, None)

    async def adjust(self, adjustments: Sequence[Adjustment]) -> None:
        forward: list[Adjustment] = []
        for item in adjustments:
            lease = self._leases.get(item.counter.key)
            if lease is None or lease.window_start != item.window_start:
                forward.append(item)
            elif item.delta < 0:
                lease.available -= item.delta
                lease.spent = max(0, lease.spent + item.delta)
                excess = lease.available - self.policy.cap(item.counter)
                if excess > 0:
                    lease.available -= excess
                    lease.shared_used -= excess
                    forward.append(Adjustment(item.counter, item.window_start, -excess))
            elif lease.available >= item.delta:
                lease.available -= item.delta
                lease.spent += item.delta
            else:
                forward.append(item)
        if forward:
            await self.inner.adjust(forward)

    def _lease_for(self, counter: Counter, now: float) -> _Lease | None:
        if not self.policy.leases(counter):
            return None
        start = window_start(now, counter.unit_seconds, counter.anchor)
        lease = self._leases.get(counter.key)
        if lease is None or lease.window_start != start:
            lease = self._leases[counter.key] = _Lease(start, start + counter.unit_seconds, now)
        return lease

    def _extra(self, counter: Counter, lease: _Lease | None, now: float) -> int:
        if lease is None or lease.spent == 0:
            return 0
        elapsed = max(1.0, now - lease.opened_at)
        wanted = math.ceil(lease.spent / elapsed * self.policy.horizon_seconds)
        return min(self.policy.cap(counter), wanted)

    def _local_outcome(self, takes: Sequence[Take], leases: list[_Lease | None]) -> Outcome:
        taken = []
        for take, lease in zip(takes, leases, strict=True):
            assert lease is not None
            lease.spent += take.amount
            taken.append(Taken(lease.window_start, lease.shared_used - lease.available))
        return Outcome(taken)

    def _merge(
        self,
        takes: Sequence[Take],
        leases: list[_Lease | None],
        remote_index: list[int],
        outcome: Outcome,
        failed: int | None,
    ) -> Outcome:
        by_index = dict(zip(remote_index, outcome.taken, strict=True))
        taken: list[Taken] = []
        for index, (take, lease) in enumerate(zip(takes, leases, strict=True)):
            answer = by_index.get(index)
            if lease is None:
                assert answer is not None
                taken.append(answer)
                continue
            if answer is not None:
                lease.shared_used = answer.used
                if failed is None:
                    lease.available += answer.granted
            if failed is None:
                lease.spent += take.amount
            taken.append(Taken(lease.window_start, lease.shared_used - lease.available))
        return Outcome(taken, failed)

    @staticmethod
    def _give_back(leases: list[_Lease | None], local: list[int]) -> None:
        for lease, amount in zip(leases, local, strict=True):
            if lease is not None:
                lease.available += amount

    def _prune(self, now: float) -> None:
        if now < self._next_prune:
            return
        self._next_prune = now + 5.0
        for key in [k for k, lease in self._leases.items() if lease.window_end <= now]:
            del self._leases[key]
