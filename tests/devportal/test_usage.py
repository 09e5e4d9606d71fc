"""An application's usage page: series, by API and by model from the rollups; plan quotas from
core.quota (the live counters with Redis, the rollups without)."""

from __future__ import annotations

import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import UsageEvent
from core.quota import redis_key
from core.registry.compiler import plan_limits
from core.rollups import roll_up_pending
from core.services import access, tenants
from proxy.limits import CallIdentity, LimiterConfig
from proxy.limits.rules import counters_for

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


def hour_window_start() -> datetime:
    """The plan's current hour window, aligned like the proxy's counters."""
    now = int(time.time())
    return datetime.fromtimestamp(now - now % 3600, tz=UTC)


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
    data = response.context["chart_data"]
    assert len(data["requests"]["labels"]) in (60, 61)
    assert sum(data["requests"]["datasets"][0]["data"]) == 1
    assert data["by_model"]["labels"] == ["gpt-a"]
    assert [d["data"] for d in data["by_model"]["datasets"]] == [[1], [10]]
    assert re.fullmatch(r"\d\d:\d\d", data["requests"]["labels"][0])  # 24-hour clock
    content = response.content.decode()
    assert 'id="chart-data"' in content and "24-hour clock" in content
    assert "1 request and 0 errors." in content


def test_quota_left_in_the_current_window_from_the_rollups(
    developer, subscribed, catalog, settings
):
    settings.REDIS_URL = ""  # embedded mode: the proxy's counters are not shared
    start = hour_window_start()
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
    assert (quota.window_start, quota.live) == (start, False)
    content = usage_page(developer, subscribed).content.decode()
    assert "9</strong> of 10 left" in content and "trail live traffic" in content


def test_quota_left_from_the_gateways_live_counters(developer, subscribed, settings, fresh_redis):
    """With Redis the page reads the rate-limit engine's counters, as the proxy writes them."""
    settings.REDIS_URL = fresh_redis.url
    [sub] = subscribed.subscriptions.select_related("plan")
    identity = CallIdentity(
        tenant_id=sub.tenant_id,
        api_id=sub.api_id,
        application_id=sub.application_id,
        subscription_id=sub.pk,
        key_type="production",
        plan_limits=plan_limits(sub.plan),
    )
    moment = time.time()
    prefix = LimiterConfig.from_env().key_prefix
    spent = {"requests": 3, "total_tokens": 250}
    client = fresh_redis.client()
    for counter in counters_for(identity):
        client.set(redis_key(counter, moment, prefix), spent[counter.dimension.value])
    client.close()
    [quota] = usage_page(developer, subscribed).context["quotas"]
    limits = {limit.label: (limit.used, limit.remaining) for limit in quota.limits}
    assert limits == {"Requests": (3, 7), "Total tokens": (250, 750)}
    assert quota.live and quota.window_start == hour_window_start()
    content = usage_page(developer, subscribed).content.decode()
    assert "7</strong> of 10 left" in content and "live counters" in content


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
