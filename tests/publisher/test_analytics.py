"""Analytics: totals, chart data and top lists come from the rollups of real usage rows."""

from __future__ import annotations

import json
import re
import uuid
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from core.models import UsageEvent
from core.rollups import roll_up_pending
from core.services import access


def url(api) -> str:
    return reverse("publisher:analytics", kwargs={"api_uuid": api.uuid})


def record_usage(
    api,
    app,
    *,
    calls: int,
    errors: int = 0,
    model: str = "gpt-4o-mini",
    status: int = 500,
    error_code: str = "",
) -> None:
    now = timezone.now()
    UsageEvent.objects.bulk_create(
        UsageEvent(
            request_id=uuid.uuid4().hex, ts=now - timedelta(minutes=i % 30),
            tenant_id=api.tenant_id, api_id=api.pk, application_id=app.pk,
            key_type="production", environment="default", vendor="openai",
            model_requested=model, status=status if i < errors else 200,
            error_code=error_code if i < errors else "",
            prompt_tokens=10, completion_tokens=5, total_tokens=15,
            upstream_latency_ms=100.0, total_latency_ms=120.0,
        )
        for i in range(calls)
    )  # fmt: skip
    roll_up_pending()


def chart_data(content: str) -> dict:
    match = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', content)
    return json.loads(match.group(1))


def test_totals_charts_and_top_lists(client_as, personas, acme_api):
    app = access.create_application(tenant=personas.tenant, owner=personas.subscriber,
                                    name="Support bot")  # fmt: skip
    record_usage(acme_api, app, calls=12, errors=2)
    content = client_as("publisher").get(url(acme_api), {"range": "1h"}).content.decode()
    data = chart_data(content)
    assert sum(data["requests"]["datasets"][0]["data"]) == 12
    assert sum(data["requests"]["datasets"][1]["data"]) == 2
    assert sum(data["tokens"]["datasets"][0]["data"]) == 120
    assert len(data["requests"]["labels"]) >= 60
    assert "12 requests and 2 errors in the last hour." in content
    assert "Support bot" in content and "gpt-4o-mini" in content


def test_other_apis_and_tenants_do_not_count(client_as, personas, acme_api, globex_api):
    app = access.create_application(tenant=personas.outsider_tenant, owner=personas.outsider,
                                    name="Elsewhere")  # fmt: skip
    record_usage(globex_api, app, calls=7)
    content = client_as("publisher").get(url(acme_api)).content.decode()
    assert sum(chart_data(content)["requests"]["datasets"][0]["data"]) == 0
    assert "No calls in the last 24 hours." in content


def test_range_switch_returns_the_panel(client_as, acme_api):
    response = client_as("creator").get(url(acme_api), {"range": "30d"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert content.lstrip().startswith('<div id="analytics-panel">')
    assert len(chart_data(content)["requests"]["labels"]) in (30, 31)


def test_unknown_range_falls_back_to_a_day(client_as, acme_api):
    content = client_as("creator").get(url(acme_api), {"range": "forever"}).content.decode()
    assert "Showing the last 24 hours" in content


def test_a_providers_429_is_not_the_gateways(client_as, personas, acme_api):
    app = access.create_application(tenant=personas.tenant, owner=personas.subscriber,
                                    name="Bot")  # fmt: skip
    record_usage(acme_api, app, calls=2, errors=1, status=429)  # relayed from the provider
    record_usage(acme_api, app, calls=3, errors=2, status=429, error_code="rate_limit_requests")
    content = client_as("publisher").get(url(acme_api), {"range": "1h"}).content.decode()
    assert "(2 throttled by the gateway)" in content
    assert "(1 throttled by the provider)" in content


def test_one_error_is_singular(client_as, personas, acme_api):
    app = access.create_application(tenant=personas.tenant, owner=personas.subscriber,
                                    name="Bot")  # fmt: skip
    record_usage(acme_api, app, calls=1, errors=1)
    content = client_as("publisher").get(url(acme_api), {"range": "1h"}).content.decode()
    assert "1 request and 1 error in the last hour." in content
    assert "times in UTC, 24-hour clock" in content
