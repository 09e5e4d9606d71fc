"""What is left of each subscription's plan quota in its current window (docs/analytics.md).

With Redis (REDIS_URL), the answer is read from the rate-limit engine's own counters: the
counter keys come from `proxy.limits.rules.counters_for`, the function the proxy uses, so the
key layout (docs/limits.md) cannot drift. One MGET answers every subscription of a page. A
counter includes budget a proxy process leased but has not spent yet (only limits of at least
TOLLGATE_LEASE_MIN_LIMIT requests or TOLLGATE_LEASE_MIN_TOKEN_LIMIT tokens lease), so `used`
may run ahead of the calls by the lease caps, never behind.

Without Redis (embedded mode: the counters live inside the proxy process) or when Redis does
not answer, the window's usage comes from the minute rollups instead (`source` "rollups"):
it trails live traffic by the rollup interval (~10 s), and refused calls (429) are not counted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache

import redis
from django.conf import settings
from django.utils import timezone

from core.analytics import MAX_BUCKETS, Bucket, UsagePoint, UsageQuery, usage_totals
from core.models import Subscription
from core.registry.compiler import plan_limits
from proxy.public import CallIdentity, Counter, LimiterConfig, counters_for, window_start

log = logging.getLogger(__name__)


class QuotaSource(StrEnum):
    COUNTERS = "counters"  # the proxy's shared counters in Redis: live
    ROLLUPS = "rollups"  # usage rollups of the window: trails by the rollup interval


@dataclass(frozen=True)
class QuotaLimit:
    dimension: str  # requests | total_tokens | prompt_tokens | completion_tokens
    limit: int
    used: int | None  # None: the rollups cannot tell (a window that is not whole minutes)

    @property
    def remaining(self) -> int | None:
        return None if self.used is None else max(0, self.limit - self.used)


@dataclass(frozen=True)
class SubscriptionQuota:
    subscription: Subscription
    window_start: datetime
    window_end: datetime
    source: QuotaSource
    limits: tuple[QuotaLimit, ...]  # empty for an unlimited plan


def subscription_quotas(
    subscriptions: Sequence[Subscription], *, now: datetime | None = None
) -> list[SubscriptionQuota]:
    """Each subscription's plan limits with what is used and left in the current window."""
    moment = (now or timezone.now()).timestamp()
    counters = {sub.pk: _plan_counters(sub) for sub in subscriptions}
    used = _read_counters(counters, moment) if settings.REDIS_URL else None
    source = QuotaSource.ROLLUPS if used is None else QuotaSource.COUNTERS
    result = []
    for sub in subscriptions:
        start, end = _window(sub.plan.unit_seconds, moment)
        if used is None:
            limits = _from_rollups(sub, counters[sub.pk], start, end)
        else:
            limits = tuple(
                QuotaLimit(c.dimension.value, c.limit, used[c.key]) for c in counters[sub.pk]
            )
        result.append(SubscriptionQuota(sub, start, end, source, limits))
    return result


def _plan_counters(sub: Subscription) -> tuple[Counter, ...]:
    limits = plan_limits(sub.plan)
    if limits is None:
        return ()
    identity = CallIdentity(
        tenant_id=sub.tenant_id,
        api_id=sub.api_id,
        application_id=sub.application_id,
        subscription_id=sub.pk,
        key_type="production",  # plan counters are per subscription, whatever the key type
        plan_limits=limits,
    )
    return counters_for(identity)


def _window(unit_seconds: int, moment: float) -> tuple[datetime, datetime]:
    unit = max(1, int(unit_seconds))
    start = datetime.fromtimestamp(window_start(moment, unit), tz=UTC)
    return start, start + timedelta(seconds=unit)


def redis_key(counter: Counter, moment: float, prefix: str) -> str:
    """The Redis key of a counter's window, as proxy.limits.redis_store.RedisStore names it."""
    return f"{prefix}:{counter.key}:{window_start(moment, counter.unit_seconds)}"


def _read_counters(
    counters: dict[int, tuple[Counter, ...]], moment: float
) -> dict[str, int] | None:
    """Counter key → its current window's count (0 when the window has no key yet); None
    when Redis cannot be read."""
    wanted = [c for group in counters.values() for c in group]
    if not wanted:
        return {}
    prefix = LimiterConfig.from_env().key_prefix
    try:
        values = _redis(settings.REDIS_URL).mget([redis_key(c, moment, prefix) for c in wanted])
    except (redis.RedisError, OSError):
        log.warning(
            "rate-limit counters unreadable; quotas fall back to the rollups",
            extra={"event": "quota_counters_unreadable"},
        )
        return None
    return {c.key: max(0, int(v or 0)) for c, v in zip(wanted, values, strict=True)}


@cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=0.25, socket_timeout=0.5)


def _from_rollups(
    sub: Subscription, counters: tuple[Counter, ...], start: datetime, end: datetime
) -> tuple[QuotaLimit, ...]:
    if not counters:
        return ()
    totals = _window_totals(sub, start, end)
    return tuple(
        QuotaLimit(c.dimension.value, c.limit, _used(totals, c.dimension.value)) for c in counters
    )


def _window_totals(sub: Subscription, start: datetime, end: datetime) -> UsagePoint | None:
    unit = int((end - start).total_seconds())
    if unit % 60:
        return None  # minute rollups cannot split a window that does not start on a minute
    minute_window = unit // 60 <= MAX_BUCKETS
    # Windows of whole hours start on an hour, so hour rollups match them exactly.
    if not minute_window and unit % 3600:
        return None
    query = UsageQuery(
        tenant_id=sub.tenant_id,
        start=start,
        end=end,
        bucket=Bucket.MINUTE if minute_window else Bucket.HOUR,
        api_ids=(sub.api_id,),
        application_ids=(sub.application_id,),
    )
    return usage_totals(query)


def _used(totals: UsagePoint | None, dimension: str) -> int | None:
    if totals is None:
        return None
    if dimension == "requests":
        # The limiter counts admitted calls; a call it refused is in the rollups as a 429.
        return totals.requests - totals.throttled
    return int(getattr(totals, dimension))
