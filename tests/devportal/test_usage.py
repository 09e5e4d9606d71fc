"""An application's usage page: series, by API, by model and plan quotas, from the rollups."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import UsageEvent
from core.rollups import roll_up_pending
from core.services import access, tenants
from devportal.usage import window_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed(personas, catalog):
    app = access.create_application(tenant=personas.tenant, owner=personas.subscriber, name="Bot")
    plan = tenants.save_plan(
        tenant=personas.tenant,
        actor=personas.admin,
        name="Tiny",
        request_limit=10,
        total_token_limit=1000,
        unit_seconds=3600,
    )
    catalog.published.allowed_plans.add(plan)
    access.subscribe(app=app, api=catalog.published, plan=plan, actor=app.owner)
    return app


def usage(
    app,
    api,
    *,
    model: str,
    tokens: tuple[int, int],
    status: int = 200,
    ago: timedelta = timedelta(0),
) -> None:
    prompt, completion = tokens
    UsageEvent.objects.create(
        request_id=uuid.uuid4().hex,
        ts=timezone.now() - ago,
        tenant_id=app.tenant_id,
        api_id=api.pk,
        application_id=app.pk,
        key_type="production",
        vendor="openai",
        model_requested=model,
        model_answered=model,
        status=status,
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=prompt + completion,
        total_latency_ms=12.0,
    )


def usage_page(client, app, **params):
    return client.get(reverse("devportal:application-usage", args=[app.pk]), params)


def test_usage_by_api_and_model_with_totals(developer, subscribed, catalog, personas):
    other = access.create_application(tenant=personas.tenant, owner=personas.admin, name="X")
    usage(subscribed, catalog.published, model="gpt-a", tokens=(5, 5))
    usage(subscribed, catalog.published, model="gpt-b", tokens=(3, 2), status=500)
    usage(subscribed, catalog.prototyped, model="gpt-a", tokens=(1, 1))
    usage(other, catalog.published, model="gpt-a", tokens=(100, 100))  # not this app's
    roll_up_pending()

    report = usage_page(developer, subscribed).context["report"]
    assert report.available
    assert (report.totals.requests, report.totals.total_tokens, report.totals.errors) == (3, 17, 1)
    assert {name: t.requests for name, t in report.by_api} == {"Chat": 2, "Proto Chat": 1}
    assert {name: t.total_tokens for name, t in report.by_model} == {"gpt-a": 12, "gpt-b": 5}
    assert sum(t.requests for _, t in report.series) == 3


def test_chart_data_is_embedded_for_chart_js(developer, subscribed, catalog):
    usage(subscribed, catalog.published, model="gpt-a", tokens=(5, 5))
    roll_up_pending()
    response = usage_page(developer, subscribed, range="1h")
    charts = response.context["charts"]
    assert len(charts["labels"]) in (60, 61) and sum(charts["requests"]) == 1
    assert charts["by_model"] == {"labels": ["gpt-a"], "requests": [1], "tokens": [10]}
    assert 'id="usage-data"' in response.content.decode()


def test_quota_left_in_the_current_window(developer, subscribed, catalog):
    start, _end = window_of(3600, timezone.now())
    usage(subscribed, catalog.published, model="gpt-a", tokens=(40, 60))
    usage(
        subscribed,
        catalog.published,
        model="gpt-a",
        tokens=(1, 1),
        ago=timezone.now() - start + timedelta(minutes=5),
    )  # the window before
    roll_up_pending()
    [quota] = usage_page(developer, subscribed).context["quotas"]
    limits = {limit.label: (limit.used, limit.remaining) for limit in quota.limits}
    assert limits == {"Requests": (1, 9), "Total tokens": (100, 900)}
    assert "9</strong> of 10 left" in usage_page(developer, subscribed).content.decode()


def test_unlimited_plan_shows_no_quota(developer, catalog, personas):
    app = access.create_application(tenant=personas.tenant, owner=personas.subscriber, name="U")
    access.subscribe(
        app=app,
        api=catalog.published,
        plan=personas.tenant.plans.get(name="Unlimited"),
        actor=app.owner,
    )
    [quota] = usage_page(developer, app).context["quotas"]
    assert quota.limits == []
    assert "Unlimited" in usage_page(developer, app).content.decode()


def test_unknown_range_falls_back_to_the_default(developer, subscribed):
    assert usage_page(developer, subscribed, range="1y").context["range_key"] == "24h"


def test_window_is_aligned_like_the_proxys_counters():
    moment = datetime(2026, 1, 1, 10, 17, 42, tzinfo=UTC)
    assert window_of(60, moment) == (moment.replace(second=0), moment.replace(minute=18, second=0))
    assert window_of(3600, moment)[0] == moment.replace(minute=0, second=0)
