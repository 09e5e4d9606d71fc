"""Redis down: keep limiting in this process (limit / expected replicas), then come back.

The switch is logged once each way, never per call. While degraded, one call per
`retry_seconds` probes Redis; the first that succeeds ends the degradation.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from redis.exceptions import RedisError

from proxy.limits.lease import LeasingStore
from proxy.limits.store import Adjustment, CounterStore, MemoryStore, Outcome, Take

log = logging.getLogger("tollgate.limits")

UNAVAILABLE = (RedisError, OSError, TimeoutError)


class FailoverCounters:
    """Routes each acquire to the shared store, or to the local fallback while it is down."""

    def __init__(
        self,
        primary: LeasingStore,
        fallback: MemoryStore,
        *,
        retry_seconds: float = 1.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.primary = primary
        self.fallback = fallback
        self._retry_seconds = retry_seconds
        self._monotonic = monotonic
        self._degraded = False
        self._next_probe = 0.0

    @property
    def degraded(self) -> bool:
        return self._degraded

    async def acquire(self, takes: Sequence[Take]) -> tuple[CounterStore, Outcome]:
        if self._degraded and not self._probe_due():
            return self.fallback, self.fallback.acquire_now(takes)
        try:
            outcome = await self.primary.acquire(takes)
        except UNAVAILABLE as exc:
            self._degrade(exc)
            return self.fallback, self.fallback.acquire_now(takes)
        if self._degraded:
            self._recover()
        return self.primary, outcome

    async def adjust(self, store: CounterStore, adjustments: Sequence[Adjustment]) -> None:
        try:
            await store.adjust(adjustments)
        except UNAVAILABLE as exc:
            self._degrade(exc)  # the reservation stays charged in a window Redis may have lost

    def _probe_due(self) -> bool:
        now = self._monotonic()
        if now < self._next_probe:
            return False
        self._next_probe = now + self._retry_seconds  # one probe per interval, not a stampede
        return True

    def _degrade(self, exc: BaseException) -> None:
        self._next_probe = self._monotonic() + self._retry_seconds
        if self._degraded:
            return
        self._degraded = True
        # The fallback keeps its counts: a Redis that flaps within one window must not hand
        # each process a fresh share per outage (its windows expire on their own).
        self.primary.clear()
        log.warning(
            "rate-limit counters: Redis unavailable; limiting per process at limit / replicas "
            "until it returns",
            extra={
                "event": "limits_redis_down",
                "error": f"{type(exc).__name__}: {exc}",
                "replicas": self.primary.policy.replicas,
            },
        )

    def _recover(self) -> None:
        self._degraded = False
        log.warning(
            "rate-limit counters: Redis is back; shared limits resumed",
            extra={"event": "limits_redis_back"},
        )
