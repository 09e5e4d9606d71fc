"""Usage analytics selectors: time series and totals from the rollups, never from raw events.

Pure reads for the REST API and the portals. Every query is scoped to one tenant (the caller
passes `request.tenant.id`); callers that must restrict a subscriber to their own applications
pass those ids in `application_ids`. Minute series read the minute rollups; hour and day
series read the hour rollups (days are UTC days).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from django.db.models import F, Max, QuerySet, Sum
from django.db.models.functions import TruncDay

from core.models import UsageRollup
from core.models.rollups import LATENCY_BOUNDS_MS, LATENCY_BUCKET_FIELDS, Granularity
from core.rollups import SUM_FIELDS

MAX_BUCKETS = 5000
PICOS = Decimal(10) ** 12  # rollups sum costs in picos (10⁻¹² of the currency)


class Bucket(StrEnum):
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"

    @property
    def step(self) -> timedelta:
        return {"minute": timedelta(minutes=1), "hour": timedelta(hours=1)}.get(
            self.value, timedelta(days=1)
        )


class GroupBy(StrEnum):
    API = "api"
    APPLICATION = "application"
    MODEL = "model"
    KEY_TYPE = "key_type"


GROUP_COLUMNS = {
    GroupBy.API: "api_id",
    GroupBy.APPLICATION: "application_id",
    GroupBy.MODEL: "model",
    GroupBy.KEY_TYPE: "key_type",
}


class AnalyticsRangeError(ValueError):
    """The range is empty or has more buckets than MAX_BUCKETS: pick a coarser bucket."""


@dataclass(frozen=True)
class UsageQuery:
    tenant_id: int
    start: datetime
    end: datetime
    bucket: Bucket = Bucket.HOUR
    group_by: GroupBy | None = None
    api_ids: tuple[int, ...] = ()
    application_ids: tuple[int, ...] = ()
    key_types: tuple[str, ...] = ()
    environments: tuple[str, ...] = ()


@dataclass(frozen=True)
class UsagePoint:
    start: datetime
    requests: int = 0
    errors: int = 0
    throttled: int = 0  # refused with 429 by the gateway's limits
    quota_exceeded: int = 0  # passed a soft plan quota
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    latency_avg_ms: float | None = None
    latency_p50_ms: float | None = None
    latency_p95_ms: float | None = None
    latency_p99_ms: float | None = None
    provider_throttled: int = 0  # a provider's own 429, relayed
    cost: Decimal = Decimal(0)  # in the prices' currency (docs/costs.md)


@dataclass(frozen=True)
class UsageSeries:
    """One group's points (every bucket of the range, zeros where idle) and its totals."""

    group: int | str | None  # api id, application id, model name, key type; None: ungrouped
    points: tuple[UsagePoint, ...]
    totals: UsagePoint


@dataclass(frozen=True)
class UsageReport:
    query: UsageQuery
    buckets: tuple[datetime, ...]
    series: tuple[UsageSeries, ...]  # by total requests, busiest first
    totals: UsagePoint


@dataclass
class _Sums:
    """Summed rollup columns of one (group, bucket), before percentiles are drawn from them."""

    values: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SUM_FIELDS, 0))
    latency_max_ms: float = 0.0

    def add(self, row: dict) -> None:
        for name in SUM_FIELDS:
            self.values[name] += row[name] or 0
        self.latency_max_ms = max(self.latency_max_ms, row["latency_max_ms"] or 0.0)

    def merge(self, other: _Sums) -> None:
        self.add({**other.values, "latency_max_ms": other.latency_max_ms})

    def point(self, start: datetime) -> UsagePoint:
        v = self.values
        counts = [int(v[name]) for name in LATENCY_BUCKET_FIELDS]
        requests = int(v["requests"])
        return UsagePoint(
            start=start,
            **{name: int(v[name]) for name in _COUNT_FIELDS},
            latency_avg_ms=round(v["latency_sum_ms"] / requests, 1) if requests else None,
            latency_p50_ms=latency_percentile(counts, self.latency_max_ms, 0.50),
            latency_p95_ms=latency_percentile(counts, self.latency_max_ms, 0.95),
            latency_p99_ms=latency_percentile(counts, self.latency_max_ms, 0.99),
            cost=Decimal(int(v["cost_pico"])) / PICOS,
        )


_COUNT_FIELDS = (
    "requests", "errors", "throttled", "quota_exceeded", "prompt_tokens", "completion_tokens",
    "total_tokens", "provider_throttled",
)  # fmt: skip


def usage_report(query: UsageQuery) -> UsageReport:
    """Series per group (or one series) over the query's range, bucketed, with totals."""
    buckets = bucket_starts(query.start, query.end, query.bucket)
    cells: dict[int | str | None, dict[datetime, _Sums]] = {}
    for row in _aggregate(query, buckets[0]):
        group = row.get("group") if query.group_by else None
        cells.setdefault(group, {}).setdefault(row["b"], _Sums()).add(row)
    series = [_series(group, by_bucket, buckets) for group, by_bucket in cells.items()]
    series.sort(key=lambda s: (-s.totals.requests, str(s.group)))
    overall = _Sums()
    for by_bucket in cells.values():
        for sums in by_bucket.values():
            overall.merge(sums)
    return UsageReport(query, tuple(buckets), tuple(series), overall.point(buckets[0]))


def usage_totals(query: UsageQuery) -> UsagePoint:
    """Totals of the range alone (e.g. a plan window's usage so far)."""
    return usage_report(query).totals


def bucket_starts(start: datetime, end: datetime, bucket: Bucket) -> list[datetime]:
    first = floor_to(start, bucket)
    if end <= first:
        raise AnalyticsRangeError("the range is empty")
    count = -(-(end - first) // bucket.step)
    if count > MAX_BUCKETS:
        raise AnalyticsRangeError(f"{count} {bucket.value} buckets; at most {MAX_BUCKETS}")
    return [first + i * bucket.step for i in range(count)]


def floor_to(moment: datetime, bucket: Bucket) -> datetime:
    moment = moment.astimezone(UTC)
    if bucket is Bucket.MINUTE:
        return moment.replace(second=0, microsecond=0)
    if bucket is Bucket.HOUR:
        return moment.replace(minute=0, second=0, microsecond=0)
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def latency_percentile(counts: Sequence[int], max_ms: float, quantile: float) -> float | None:
    """Estimate a latency percentile from histogram counts, interpolating inside a bucket."""
    total = sum(counts)
    if not total:
        return None
    rank = quantile * total
    seen = 0
    lower = 0.0
    for index, count in enumerate(counts):
        upper = float(LATENCY_BOUNDS_MS[index]) if index < len(LATENCY_BOUNDS_MS) else max_ms
        upper = min(upper, max_ms) if max_ms >= lower else upper
        if count and seen + count >= rank:
            return round(lower + (upper - lower) * (rank - seen) / count, 1)
        seen += count
        lower = upper
    return round(max_ms, 1)


def _scoped(query: UsageQuery, source: int, first: datetime) -> QuerySet[UsageRollup]:
    rows = UsageRollup.objects.filter(
        tenant_id=query.tenant_id,
        bucket_seconds=source,
        bucket_start__gte=first,
        bucket_start__lt=query.end,
    )
    if query.api_ids:
        rows = rows.filter(api_id__in=query.api_ids)
    if query.application_ids:
        rows = rows.filter(application_id__in=query.application_ids)
    if query.key_types:
        rows = rows.filter(key_type__in=query.key_types)
    if query.environments:
        rows = rows.filter(environment__in=query.environments)
    return rows


def _aggregate(query: UsageQuery, first: datetime) -> QuerySet:
    source = Granularity.MINUTE if query.bucket is Bucket.MINUTE else Granularity.HOUR
    rows = _scoped(query, source, first)
    day = query.bucket is Bucket.DAY
    rows = rows.annotate(b=TruncDay("bucket_start", tzinfo=UTC) if day else F("bucket_start"))
    columns = ["b"]
    if query.group_by:
        rows = rows.annotate(group=F(GROUP_COLUMNS[query.group_by]))
        columns.append("group")
    sums = {name: Sum(name) for name in SUM_FIELDS}
    return rows.values(*columns).annotate(**sums, latency_max_ms=Max("latency_max_ms")).order_by()


def _series(
    group: int | str | None, by_bucket: dict[datetime, _Sums], buckets: list[datetime]
) -> UsageSeries:
    points = tuple(by_bucket.get(start, _Sums()).point(start) for start in buckets)
    totals = _Sums()
    for sums in by_bucket.values():
        totals.merge(sums)
    return UsageSeries(group, points, totals.point(buckets[0]))
