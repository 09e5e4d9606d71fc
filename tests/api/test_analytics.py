"""The usage analytics API over real rollups: scoping by role and tenant, grouping, filters,
buckets and input errors. Events are UsageEvent rows rolled up by the worker's own function."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import UsageEvent
from core.rollups import roll_up_pending
from core.services import access

T0 = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
WINDOW = {"start": "2026-03-04T10:00:00Z", "end": "2026-03-04T12:00:00Z"}


def url(name: str, tenant: str = "acme") -> str:
    return reverse(f"api:{name}", kwargs={"tenant_slug": tenant})


def event(world, *, at: datetime, api=None, app=None, **fields) -> UsageEvent:
    values = dict(
        request_id=uuid.uuid4().hex,
        ts=at,
        tenant_id=world.tenant.pk,
        api_id=(api or world.api).pk,
        application_id=(app or world.app).pk,
        key_type="production",
        environment="default",
        model_requested="gpt-4o",
        status=200,
        prompt_tokens=10,
        completion_tokens=20,
        total_tokens=30,
        total_latency_ms=100.0,
    )
    return UsageEvent.objects.create(**{**values, **fields})


@pytest.fixture
def usage(worlds):
    """acme: the developer's app calls `api` 4 times (one 500, one sandbox 429) and
    `other_api` twice; another developer's app calls `api` 3 times. globex: 5 calls."""
    own = worlds.own
    other_app = access.create_application(tenant=own.tenant, owner=own.member, name="Rival")
    event(own, at=T0 + timedelta(minutes=1))
    event(own, at=T0 + timedelta(minutes=1), status=500, total_latency_ms=900.0)
    event(
        own,
        at=T0 + timedelta(minutes=61),
        key_type="sandbox",
        status=429,
        error_code="rate_limit_requests",
        total_tokens=0,
    )
    event(own, at=T0 + timedelta(minutes=62), environment="staging", model_requested="gpt-4.1")
    for minute in (5, 6):
        event(own, at=T0 + timedelta(minutes=minute), api=own.other_api)
    for minute in (2, 3, 4):
        event(own, at=T0 + timedelta(minutes=minute), app=other_app, total_tokens=100)
    for minute in range(5):
        event(worlds.other, at=T0 + timedelta(minutes=minute), total_tokens=1000)
    roll_up_pending()
    return other_app


@pytest.fixture
def publisher(personas, client_for):
    return client_for(personas.publisher)


@pytest.fixture
def developer(personas, client_for):
    return client_for(personas.subscriber)


def get(client, name: str, **params):
    response = client.get(url(name), params)
    assert response.status_code == 200, response.content
    return response.json()


def test_publisher_sees_the_tenants_usage_by_api_with_labels(worlds, usage, publisher):
    body = get(publisher, "analytics-usage", **WINDOW, group_by="api", bucket="hour")
    assert (body["bucket"], body["group_by"], len(body["buckets"])) == ("hour", "api", 2)
    assert body["totals"]["requests"] == 9  # never globex's five
    assert body["totals"]["errors"] == 2 and body["totals"]["throttled"] == 1
    chat, embed = body["series"]
    assert (chat["group"], chat["label"]) == (worlds.own.api.pk, "Chat 1.0.0")
    assert [p["requests"] for p in chat["points"]] == [5, 2]
    assert chat["totals"]["total_tokens"] == 30 * 3 + 100 * 3
    assert (embed["group"], embed["totals"]["requests"]) == (worlds.own.other_api.pk, 2)
    assert body["series_count"] == 2


def test_points_are_zero_filled_and_carry_latency_percentiles(usage, publisher):
    body = get(publisher, "analytics-usage", start="2026-03-04T10:00:00Z", end="2026-03-04T10:10Z")
    assert body["bucket"] == "minute" and len(body["buckets"]) == 10
    [series] = body["series"]
    assert series["group"] is None and series["label"] is None
    assert [p["requests"] for p in series["points"]] == [0, 2, 1, 1, 1, 1, 1, 0, 0, 0]
    slow = series["points"][1]
    assert slow["latency_p50_ms"] <= 100.0 < slow["latency_p99_ms"] <= 900.0
    assert slow["latency_avg_ms"] == 500.0
    assert series["points"][0]["latency_p95_ms"] is None


@pytest.mark.parametrize(
    ("params", "requests"),
    [
        ({"key_type": "sandbox"}, 1),
        ({"environment": "staging"}, 1),
        ({"environment": "default,staging"}, 9),
        ({"key_type": ["production", "sandbox"]}, 9),
    ],
)
def test_filters(usage, publisher, params, requests):
    assert get(publisher, "analytics-usage", **WINDOW, **params)["totals"]["requests"] == requests


def test_api_and_application_filters_repeat_or_take_commas(worlds, usage, publisher):
    own = worlds.own
    both = f"{own.api.pk},{own.other_api.pk}"
    assert get(publisher, "analytics-summary", **WINDOW, api=both)["totals"]["requests"] == 9
    one_app = get(publisher, "analytics-summary", **WINDOW, application=[own.app.pk])
    assert one_app["totals"]["requests"] == 6


def test_group_by_model_key_type_and_application(worlds, usage, publisher):
    models = get(publisher, "analytics-summary", **WINDOW, group_by="model")["groups"]
    assert {g["group"]: g["totals"]["requests"] for g in models} == {"gpt-4o": 8, "gpt-4.1": 1}
    assert {g["label"] for g in models} == {"gpt-4o", "gpt-4.1"}
    kinds = get(publisher, "analytics-summary", **WINDOW, group_by="key_type")["groups"]
    assert [(g["group"], g["totals"]["requests"]) for g in kinds] == [
        ("production", 8),
        ("sandbox", 1),
    ]
    apps = get(publisher, "analytics-summary", **WINDOW, group_by="application", top=1)
    assert apps["series_count"] == 2 and len(apps["groups"]) == 1
    assert apps["groups"][0]["label"] == "Dev app" and "points" not in apps["groups"][0]


def test_developer_sees_only_their_own_applications(worlds, usage, developer):
    body = get(developer, "analytics-usage", **WINDOW, group_by="application")
    assert body["totals"]["requests"] == 6
    assert [(s["group"], s["label"]) for s in body["series"]] == [(worlds.own.app.pk, "Dev app")]
    by_api = get(developer, "analytics-summary", **WINDOW, group_by="api", api=worlds.own.api.pk)
    assert by_api["totals"]["requests"] == 4


def test_developer_asking_for_another_application_gets_404(worlds, usage, developer):
    for app_id in (usage.pk, worlds.other.app.pk, 999_999):
        response = developer.get(url("analytics-usage"), {**WINDOW, "application": app_id})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    mixed = {**WINDOW, "application": f"{worlds.own.app.pk},{usage.pk}"}
    assert developer.get(url("analytics-usage"), mixed).status_code == 404


def test_developer_cannot_name_an_api_outside_the_catalog(worlds, usage, developer):
    draft = {**WINDOW, "api": worlds.own.draft_api.pk}
    assert developer.get(url("analytics-usage"), draft).status_code == 404
    foreign = {**WINDOW, "api": worlds.other.api.pk}
    assert developer.get(url("analytics-usage"), foreign).status_code == 404


def test_developer_without_applications_sees_zeros(worlds, usage, client_for):
    stranger = client_for(worlds.own.member)  # a subscriber whose only app is "Rival"
    assert get(stranger, "analytics-summary", **WINDOW)["totals"]["requests"] == 3
    usage.delete()
    assert get(stranger, "analytics-summary", **WINDOW)["totals"]["requests"] == 0


def test_publisher_naming_another_tenants_objects_gets_404(worlds, usage, publisher):
    for params in ({"api": worlds.other.api.pk}, {"application": worlds.other.app.pk}):
        response = publisher.get(url("analytics-usage"), {**WINDOW, **params})
        assert response.status_code == 404


def test_reads_the_rollups_not_the_raw_events(usage, publisher):
    UsageEvent.objects.all().delete()
    assert get(publisher, "analytics-summary", **WINDOW)["totals"]["requests"] == 9


def test_ranges_default_buckets_and_recent_usage(worlds, publisher):
    event(worlds.own, at=timezone.now() - timedelta(minutes=10))
    roll_up_pending()
    recent = get(publisher, "analytics-usage", range="1h")
    assert recent["bucket"] == "minute" and len(recent["buckets"]) in (60, 61)
    assert recent["totals"]["requests"] == 1
    assert get(publisher, "analytics-usage")["bucket"] == "hour"  # 24h by default
    assert get(publisher, "analytics-summary", range="7d")["bucket"] == "hour"
    assert get(publisher, "analytics-summary", range="30d")["bucket"] == "day"
    month = get(publisher, "analytics-usage", range="30d", bucket="hour")
    assert month["totals"]["requests"] == 1 and len(month["buckets"]) in (720, 721)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"range": "1h", "start": "2026-03-04T10:00:00Z"}, "range"),
        ({"end": "2026-03-04T10:00:00Z"}, "start"),
        ({"start": "2026-03-04T10:00:00Z", "end": "2026-03-04T09:00:00Z"}, "end"),
        ({"start": "yesterday"}, "start"),
        ({"range": "2y"}, "range"),
        ({"range": "30d", "bucket": "minute"}, "bucket"),
        ({"group_by": "vendor"}, "group_by"),
        ({"key_type": "staging"}, "key_type"),
        ({"api": "chat"}, "api"),
        ({"top": 0}, "top"),
        ({"apis": "1"}, "apis"),
    ],
)
def test_bad_queries_are_field_errors(usage, publisher, params, field):
    response = publisher.get(url("analytics-usage"), params)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_input" and field in error["fields"]


def test_a_member_without_a_role_that_sees_usage_is_refused_before_input_checks(
    personas, client_for, worlds
):
    from core.models import Membership

    Membership.objects.filter(user=personas.subscriber).update(roles=[])
    response = client_for(personas.subscriber).get(url("analytics-usage"), {"range": "nope"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    outsider = client_for(personas.outsider).get(url("analytics-usage"), {"range": "nope"})
    assert outsider.status_code == 404
