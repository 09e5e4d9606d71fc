"""GET T/analytics/quotas/: what is left of each of the caller's plan quotas this window.

With Redis the numbers are the rate-limit engine's own counters (driven here by the real
Limiter, as the proxy drives it); without Redis, or when it does not answer, the rollups."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import redis.asyncio
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.models import UsageEvent
from core.registry.compiler import compile_deployment, compile_key
from core.rollups import roll_up_pending
from core.services import tenants
from proxy.limits import CallIdentity, Limiter, LimiterConfig, TokenEstimate, Usage

DAY = 86_400


@pytest.fixture
def counters(settings, fresh_redis) -> None:
    """The Redis the gateway's counters live in: the suite's, or a private one when the suite
    runs in the embedded mode."""
    settings.REDIS_URL = fresh_redis.url


def url() -> str:
    return reverse("api:analytics-quotas", kwargs={"tenant_slug": "acme"})


@pytest.fixture
def tight(worlds, personas):
    """The developer's subscription to `api` is on Gold; make Gold a small daily quota."""
    tenants.save_plan(
        tenant=personas.tenant,
        actor=personas.admin,
        plan=worlds.own.plan,
        request_limit=10,
        total_token_limit=1_000,
        unit_seconds=DAY,
    )
    worlds.own.subscription.refresh_from_db()
    return worlds.own.subscription


@pytest.fixture
def developer(personas, client_for):
    return client_for(personas.subscriber)


def quotas(client, **params) -> list[dict]:
    response = client.get(url(), params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def by_dimension(quota: dict) -> dict[str, tuple]:
    return {q["dimension"]: (q["limit"], q["used"], q["remaining"]) for q in quota["limits"]}


def spend_through_the_limiter(world, calls: int, prompt: int, completion: int) -> None:
    """Admit and settle calls exactly as the proxy does, on the key's compiled snapshots."""
    key = compile_key(world.key, version=1)
    deployment = compile_deployment(world.api.deployments.get(), version=1)
    identity = CallIdentity.from_snapshots(deployment, key, key.subscriptions[str(world.api.pk)])

    async def run() -> None:
        client = redis.asyncio.Redis.from_url(settings.REDIS_URL)
        limiter = Limiter.from_config(LimiterConfig.from_env(), redis=client)
        for _ in range(calls):
            decision = await limiter.admit(identity, TokenEstimate(prompt, completion + 40))
            assert decision.admitted
            await limiter.settle(
                decision, Usage(prompt_tokens=prompt, completion_tokens=completion)
            )
        await client.aclose()

    asyncio.run(run())


def test_counters_give_live_remaining_quota(worlds, tight, developer, counters) -> None:
    spend_through_the_limiter(worlds.own, calls=3, prompt=20, completion=30)
    [quota] = [q for q in quotas(developer) if q["subscription"] == tight.pk]
    assert quota["source"] == "counters"
    assert by_dimension(quota) == {"requests": (10, 3, 7), "total_tokens": (1000, 150, 850)}
    start = datetime.fromisoformat(quota["window_start"])
    assert start.timestamp() % DAY == 0
    assert datetime.fromisoformat(quota["window_end"]) - start == timedelta(seconds=DAY)
    assert (quota["api"], quota["application"], quota["plan_name"]) == (
        worlds.own.api.pk,
        worlds.own.app.pk,
        "Gold",
    )


def event_now(world, **fields) -> None:
    values = dict(
        request_id=uuid.uuid4().hex,
        ts=timezone.now(),
        tenant_id=world.tenant.pk,
        api_id=world.api.pk,
        application_id=world.app.pk,
        key_type="production",
        status=200,
        prompt_tokens=5,
        completion_tokens=5,
        total_tokens=10,
        total_latency_ms=50.0,
    )
    UsageEvent.objects.create(**{**values, **fields})


def test_without_redis_the_rollups_of_the_window_answer(worlds, tight, developer, settings):
    settings.REDIS_URL = ""
    for _ in range(4):
        event_now(worlds.own)
    event_now(worlds.own, key_type="sandbox")  # plan quotas count both key types
    refused = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
    limited = {"status": 429, "error_code": "rate_limit_requests"}
    event_now(worlds.own, **limited, **refused)  # refused by the limiter: not used
    roll_up_pending()
    [quota] = [q for q in quotas(developer) if q["subscription"] == tight.pk]
    assert quota["source"] == "rollups"
    assert by_dimension(quota) == {"requests": (10, 5, 5), "total_tokens": (1000, 50, 950)}


def test_unreachable_redis_falls_back_to_the_rollups(worlds, tight, developer, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    event_now(worlds.own)
    roll_up_pending()
    [quota] = [q for q in quotas(developer) if q["subscription"] == tight.pk]
    assert quota["source"] == "rollups" and by_dimension(quota)["requests"] == (10, 1, 9)


def test_unlimited_plan_has_no_limits_and_filters_narrow(worlds, personas, developer):
    from core.services import access

    unlimited = personas.tenant.plans.get(name="Unlimited")
    sub = access.subscribe(
        app=worlds.own.app, api=worlds.own.other_api, plan=unlimited, actor=personas.subscriber
    )
    rows = quotas(developer, application=worlds.own.app.pk)
    assert {q["subscription"] for q in rows} == {sub.pk, worlds.own.subscription.pk}
    [only] = quotas(developer, api=worlds.own.other_api.pk)
    assert (only["subscription"], only["limits"]) == (sub.pk, [])


def test_another_developers_application_is_not_found(worlds, personas, client_for, developer):
    for app_id in (worlds.other.app.pk, 999_999):
        assert developer.get(url(), {"application": app_id}).status_code == 404
    # The admin may use the developer side, but the developer's application is not theirs.
    admin = client_for(personas.admin)
    assert admin.get(url(), {"application": worlds.own.app.pk}).status_code == 404
    assert quotas(admin) == []


def test_unknown_parameters_are_refused(worlds, developer):
    response = developer.get(url(), {"plan": 1})
    assert response.status_code == 400
    assert "plan" in response.json()["error"]["fields"]


def test_pages(worlds, developer):
    page = developer.get(url(), {"limit": 1}).json()
    assert page["count"] == 1 and len(page["results"]) == 1


def test_window_of_a_plan_is_aligned_like_the_proxys():
    from core.quota import _window

    moment = datetime(2026, 3, 4, 10, 17, 42, tzinfo=UTC).timestamp()
    assert _window(60, moment) == (
        datetime(2026, 3, 4, 10, 17, tzinfo=UTC),
        datetime(2026, 3, 4, 10, 18, tzinfo=UTC),
    )
    assert _window(3600, moment)[0] == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
