"""Keep the usage rollups (core.models.rollups) up to date from UsageEvent rows.

Each run finds the minutes that received events since the runs before it (by event id), and
recomputes those minutes from the raw rows, then their hours from the minute rows. Buckets are
replaced, never incremented, so a run is idempotent: running it twice, or crashing half-way
(it is one transaction), never counts an event twice. Late events (an old `ts`, a new id) mark
their old minute dirty and are counted too.

Ids are assigned before commit, so an event may become visible after a higher id was already
read; each run therefore rescans from the id the run *before* the last one reached. An insert
transaction would have to stay open across two runs (20 s by default) to be missed;
`rebuild_range` repairs any range by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, NullIf, TruncMinute

from core.models import ApiKey, RollupCursor, UsageEvent, UsageRollup
from core.models.rollups import LATENCY_BOUNDS_MS, LATENCY_BUCKET_FIELDS, Granularity

CURSOR = "usage"
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
GROUP_FIELDS = ("tenant_id", "api_id", "application_id", "model", "key_type", "environment")
SUM_FIELDS = (
    "requests", "errors", "throttled", "quota_exceeded", "prompt_tokens", "completion_tokens",
    "total_tokens", "latency_sum_ms", "cost_pico", *LATENCY_BUCKET_FIELDS, "provider_throttled",
)  # fmt: skip


def roll_up_pending() -> int:
    """Refresh every minute (and hour) with new events; return how many minutes were rebuilt."""
    with transaction.atomic():
        cursor, _ = RollupCursor.objects.select_for_update().get_or_create(name=CURSOR)
        newest = UsageEvent.objects.aggregate(newest=Max("id"))["newest"] or 0
        if newest == cursor.last_event_id == cursor.previous_event_id:
            return 0
        events = UsageEvent.objects.filter(id__gt=cursor.previous_event_id, id__lte=newest)
        minutes = _minutes_of(events)
        rebuild_minutes(minutes)
        mark_keys_used(events)
        cursor.previous_event_id, cursor.last_event_id = cursor.last_event_id, newest
        cursor.save(update_fields=["previous_event_id", "last_event_id", "updated_at"])
    return len(minutes)


def mark_keys_used(events: QuerySet[UsageEvent]) -> int:
    """Record when each key was last seen at the gateway (the devportal's "Last used")."""
    latest = events.exclude(key_id=None).values("key_id").annotate(last=Max("ts"))
    updated = 0
    for row in latest:
        if row["key_id"] is None:  # excluded above; the type does not know
            continue
        updated += (
            ApiKey.objects.filter(pk=row["key_id"])
            .filter(Q(last_used_at__isnull=True) | Q(last_used_at__lt=row["last"]))
            .update(last_used_at=row["last"])
        )
    return updated


def rebuild_range(start: datetime, end: datetime) -> int:
    """Recompute every minute of [start, end) that has events, e.g. after a repair."""
    with transaction.atomic():
        minutes = _minutes_of(UsageEvent.objects.filter(ts__gte=start, ts__lt=end))
        rebuild_minutes(minutes)
    return len(minutes)


def rebuild_minutes(minutes: Iterable[datetime]) -> None:
    """Replace the minute rows of these minutes, then the hour rows of their hours."""
    minutes = sorted(set(minutes))
    for start, end in _runs(minutes, MINUTE):
        _replace(Granularity.MINUTE, start, end, _minute_rows(start, end))
    for hour in sorted({minute.replace(minute=0) for minute in minutes}):
        _replace(Granularity.HOUR, hour, hour + HOUR, _hour_rows(hour))


def _minutes_of(events: QuerySet[UsageEvent]) -> list[datetime]:
    truncated = events.annotate(minute=TruncMinute("ts", tzinfo=UTC))
    return list(truncated.values_list("minute", flat=True).distinct().order_by())


def _runs(points: list[datetime], step: timedelta) -> list[tuple[datetime, datetime]]:
    """Group sorted bucket starts into contiguous [start, end) ranges: one query per range."""
    runs: list[tuple[datetime, datetime]] = []
    for point in points:
        if runs and runs[-1][1] == point:
            runs[-1] = (runs[-1][0], point + step)
        else:
            runs.append((point, point + step))
    return runs


def _latency_counts() -> dict[str, Count]:
    counts: dict[str, Count] = {}
    lower = None
    for bound, name in zip(LATENCY_BOUNDS_MS, LATENCY_BUCKET_FIELDS, strict=False):
        within = Q(total_latency_ms__lte=bound)
        if lower is not None:
            within &= Q(total_latency_ms__gt=lower)
        counts[name] = Count("id", filter=within)
        lower = bound
    counts[LATENCY_BUCKET_FIELDS[-1]] = Count("id", filter=Q(total_latency_ms__gt=lower))
    return counts


def _minute_rows(start: datetime, end: datetime) -> list[dict]:
    events = UsageEvent.objects.filter(ts__gte=start, ts__lt=end).annotate(
        bucket=TruncMinute("ts", tzinfo=UTC),
        g_tenant=Coalesce("tenant_id", Value(0)),
        g_api=Coalesce("api_id", Value(0)),
        g_app=Coalesce("application_id", Value(0)),
        g_model=Coalesce(NullIf("model_answered", Value("")), F("model_requested")),
    )
    grouped = events.values(
        "bucket", "g_tenant", "g_api", "g_app", "g_model", "key_type", "environment"
    )
    rows = grouped.annotate(
        requests=Count("id"),
        errors=Count("id", filter=Q(status__gte=400)),
        # The gateway's own refusals carry its error code; a provider's 429 is relayed as is.
        throttled=Count("id", filter=Q(status=429) & ~Q(error_code="")),
        provider_throttled=Count("id", filter=Q(status=429, error_code="")),
        quota_exceeded=Count("id", filter=Q(quota_exceeded=True)),
        prompt_tokens=Sum("prompt_tokens"),
        completion_tokens=Sum("completion_tokens"),
        total_tokens=Sum("total_tokens"),
        latency_sum_ms=Sum("total_latency_ms"),
        cost_pico=Sum("cost_pico"),
        latency_max_ms=Max("total_latency_ms"),
        **_latency_counts(),
    )
    return [_renamed(dict(row)) for row in rows.order_by()]


def _renamed(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "bucket_start": row.pop("bucket"),
        "tenant_id": row.pop("g_tenant"),
        "api_id": row.pop("g_api"),
        "application_id": row.pop("g_app"),
        "model": row.pop("g_model") or "",
        **row,
    }


def _hour_rows(hour: datetime) -> list[dict]:
    minutes = UsageRollup.objects.filter(
        bucket_seconds=Granularity.MINUTE, bucket_start__gte=hour, bucket_start__lt=hour + HOUR
    )
    rows = minutes.values(*GROUP_FIELDS).annotate(
        **{name: Sum(name) for name in SUM_FIELDS}, latency_max_ms=Max("latency_max_ms")
    )
    return [{"bucket_start": hour, **row} for row in rows.order_by()]


def _replace(granularity: int, start: datetime, end: datetime, rows: list[dict]) -> None:
    UsageRollup.objects.filter(
        bucket_seconds=granularity, bucket_start__gte=start, bucket_start__lt=end
    ).delete()
    UsageRollup.objects.bulk_create(
        [UsageRollup(bucket_seconds=granularity, **_no_nulls(row)) for row in rows],
        batch_size=1000,
    )


def _no_nulls(row: dict) -> dict:
    for name in (*SUM_FIELDS, "latency_max_ms"):
        if row.get(name) is None:
            row[name] = 0
    return row
