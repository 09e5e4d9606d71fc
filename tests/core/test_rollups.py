"""Usage rollups (worker side) and the analytics selectors that read them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from core.analytics import (
    AnalyticsRangeError,
    Bucket,
    GroupBy,
    UsageQuery,
    latency_percentile,
    usage_report,
    usage_totals,
)
from core.models import RollupCursor, UsageEvent, UsageRollup
from core.models.rollups import LATENCY_BUCKET_FIELDS, Granularity
from core.rollups import rebuild_range, roll_up_pending

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)


def usage(at: datetime, **fields) -> UsageEvent:
    values = dict(
        request_id=uuid.uuid4().hex,
        ts=at,
        tenant_id=1,
        api_id=10,
        application_id=100,
        key_type="production",
        environment="default",
        model_requested="gpt-4o",
        model_answered="gpt-4o-2024-08-06",
        status=200,
        prompt_tokens=10,
        completion_tokens=20,
        total_tokens=30,
        total_latency_ms=120.0,
    )
    return UsageEvent.objects.create(**{**values, **fields})


def minute_rows(**filters) -> list[UsageRollup]:
    return list(UsageRollup.objects.filter(bucket_seconds=Granularity.MINUTE, **filters))


def test_minutes_and_hours_sum_requests_errors_tokens_and_latency():
    usage(T0 + timedelta(seconds=5))
    usage(
        T0 + timedelta(seconds=50),
        status=429,
        error_code="rate_limit_requests",
        total_latency_ms=4.0,
        quota_exceeded=True,
    )
    usage(T0 + timedelta(seconds=55), status=429, total_latency_ms=4.0)  # the provider's 429
    usage(T0 + timedelta(seconds=70), api_id=11, model_answered="", total_latency_ms=70_000)
    assert roll_up_pending() == 2
    first = minute_rows(bucket_start=T0)
    assert len(first) == 1
    row = first[0]
    assert (row.requests, row.errors, row.throttled, row.quota_exceeded) == (3, 2, 1, 1)
    assert row.provider_throttled == 1
    assert (row.prompt_tokens, row.completion_tokens, row.total_tokens) == (30, 60, 90)
    assert row.model == "gpt-4o-2024-08-06"
    assert row.latency_le_10 == 2 and row.latency_le_200 == 1 and row.latency_max_ms == 120.0
    second = minute_rows(bucket_start=T0 + timedelta(minutes=1))[0]
    assert second.model == "gpt-4o" and second.latency_over == 1  # answered model falls back
    hour = UsageRollup.objects.filter(bucket_seconds=Granularity.HOUR, bucket_start=T0)
    sums = sorted((r.api_id, r.requests, r.total_tokens) for r in hour)
    assert sums == [(10, 3, 90), (11, 1, 30)]


def test_runs_are_idempotent_and_late_events_are_counted_once():
    usage(T0)
    roll_up_pending()
    roll_up_pending()
    roll_up_pending()
    assert [r.requests for r in minute_rows()] == [1]
    usage(T0 + timedelta(seconds=30))  # same minute, arrives later
    usage(T0 - timedelta(hours=3))  # an old minute, drained late from the stream
    roll_up_pending()
    roll_up_pending()
    assert sorted(r.requests for r in minute_rows()) == [1, 2]
    assert UsageRollup.objects.filter(bucket_seconds=Granularity.HOUR).count() == 2
    cursor = RollupCursor.objects.get(name="usage")
    assert cursor.last_event_id == cursor.previous_event_id == UsageEvent.objects.latest("id").id


def test_rebuild_range_repairs_from_raw_rows():
    usage(T0)
    roll_up_pending()
    UsageRollup.objects.update(requests=999)
    assert rebuild_range(T0, T0 + timedelta(hours=1)) == 1
    assert {r.requests for r in UsageRollup.objects.all()} == {1}


def test_events_without_ids_roll_up_under_zero():
    usage(T0, api_id=None, application_id=None, tenant_id=None)
    roll_up_pending()
    row = minute_rows()[0]
    assert (row.tenant_id, row.api_id, row.application_id) == (0, 0, 0)


def _seed_two_tenants():
    for second in range(0, 180, 20):  # 9 calls over three minutes
        usage(T0 + timedelta(seconds=second), api_id=10 if second < 100 else 11)
    usage(T0, application_id=200, model_answered="mistral-large", key_type="sandbox")
    usage(T0, tenant_id=2, api_id=99, application_id=900)  # another tenant's call
    roll_up_pending()


def test_report_is_scoped_to_the_tenant_bucketed_and_zero_filled():
    _seed_two_tenants()
    query = UsageQuery(tenant_id=1, start=T0, end=T0 + timedelta(minutes=5), bucket=Bucket.MINUTE)
    report = usage_report(query)
    assert len(report.buckets) == 5
    [series] = report.series
    assert [p.requests for p in series.points] == [4, 3, 3, 0, 0]
    assert report.totals.requests == 10 and report.totals.total_tokens == 300
    other = usage_report(UsageQuery(tenant_id=2, start=T0, end=T0 + timedelta(hours=1)))
    assert other.totals.requests == 1 and other.series[0].points[0].requests == 1


@pytest.mark.parametrize(
    ("group_by", "expected"),
    [
        (GroupBy.API, {10: 6, 11: 4}),
        (GroupBy.APPLICATION, {100: 9, 200: 1}),
        (GroupBy.MODEL, {"gpt-4o-2024-08-06": 9, "mistral-large": 1}),
        (GroupBy.KEY_TYPE, {"production": 9, "sandbox": 1}),
    ],
)
def test_report_groups_by_each_dimension(group_by, expected):
    _seed_two_tenants()
    query = UsageQuery(tenant_id=1, start=T0, end=T0 + timedelta(hours=2), group_by=group_by)
    report = usage_report(query)
    assert {s.group: s.totals.requests for s in report.series} == expected
    assert report.series[0].totals.requests == max(expected.values())  # busiest first


def test_filters_and_day_buckets():
    _seed_two_tenants()
    day = UsageQuery(
        tenant_id=1,
        start=T0 - timedelta(days=1),
        end=T0 + timedelta(days=1),
        bucket=Bucket.DAY,
        api_ids=(11,),
        application_ids=(100,),
    )
    report = usage_report(day)
    assert [p.requests for p in report.series[0].points] == [0, 4, 0]  # UTC days
    assert usage_totals(UsageQuery(1, T0, T0 + timedelta(minutes=1), Bucket.MINUTE)).requests == 4


def test_latency_percentiles_come_from_the_histogram():
    for latency in [5.0] * 50 + [150.0] * 45 + [2500.0] * 5:
        usage(T0, total_latency_ms=latency)
    roll_up_pending()
    totals = usage_totals(UsageQuery(1, T0, T0 + timedelta(hours=1)))
    assert totals.latency_p50_ms is not None and totals.latency_p50_ms <= 10
    assert 100 < totals.latency_p95_ms <= 200
    assert 2000 < totals.latency_p99_ms <= 2500
    assert totals.latency_avg_ms == round((5 * 50 + 150 * 45 + 2500 * 5) / 100, 1)


def test_percentile_helper_edges():
    empty = [0] * len(LATENCY_BUCKET_FIELDS)
    assert latency_percentile(empty, 0.0, 0.5) is None
    only_slow = empty[:-1] + [4]
    assert latency_percentile(only_slow, 90_000.0, 0.99) <= 90_000.0


def test_ranges_too_long_for_the_bucket_are_refused():
    with pytest.raises(AnalyticsRangeError):
        usage_report(UsageQuery(1, T0, T0 + timedelta(days=30), Bucket.MINUTE))
    with pytest.raises(AnalyticsRangeError):
        usage_report(UsageQuery(1, T0, T0))


@pytest.mark.django_db
def test_rollup_records_when_each_key_was_last_used(personas):
    from core.models import ApiKey
    from core.services.access import create_application, generate_key

    app = create_application(tenant=personas.tenant, owner=personas.subscriber, name="lu")
    key, _plaintext = generate_key(app=app, key_type="production", actor=personas.subscriber)
    other, _ = generate_key(app=app, key_type="sandbox", actor=personas.subscriber)
    seen = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    for offset in (0, 30):
        UsageEvent.objects.create(
            request_id=f"lu-{offset}",
            ts=seen + timedelta(seconds=offset),
            tenant_id=personas.tenant.pk,
            key_id=key.pk,
            status=200,
            total_latency_ms=1.0,
        )
    roll_up_pending()
    assert ApiKey.objects.get(pk=key.pk).last_used_at == seen + timedelta(seconds=30)
    assert ApiKey.objects.get(pk=other.pk).last_used_at is None
