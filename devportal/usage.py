"""Usage of one application, for the portal's charts, from the analytics selectors, and what
is left of its plan quotas.

Charts never scan raw usage rows here: they read `core.analytics` (rollups the worker keeps,
so they trail live traffic by the rollup interval). Without that module the page says
analytics are not available. Quotas come from `core.quota`: the gateway's live counters with
Redis, else the rollups.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.utils import timezone

from core.models import Application, Subscription
from core.quota import QuotaSource, SubscriptionQuota, subscription_quotas

RANGES: dict[str, tuple[str, timedelta]] = {
    "1h": ("Last hour", timedelta(hours=1)),
    "24h": ("Last 24 hours", timedelta(hours=24)),
    "7d": ("Last 7 days", timedelta(days=7)),
    "30d": ("Last 30 days", timedelta(days=30)),
}
DEFAULT_RANGE = "24h"
BUCKETS = {"1h": "minute", "24h": "hour", "7d": "hour", "30d": "day"}


@dataclass(frozen=True)
class Totals:
    requests: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    errors: int = 0


@dataclass(frozen=True)
class Report:
    """What the usage page draws; `series` rows are (bucket start, Totals)."""

    available: bool
    series: list[tuple[datetime, Totals]] = field(default_factory=list)
    by_api: list[tuple[str, Totals]] = field(default_factory=list)
    by_model: list[tuple[str, Totals]] = field(default_factory=list)
    totals: Totals = Totals()


LIMIT_LABELS = {
    "requests": "Requests",
    "total_tokens": "Total tokens",
    "prompt_tokens": "Prompt tokens",
    "completion_tokens": "Completion tokens",
}


@dataclass(frozen=True)
class Limit:
    label: str
    limit: int
    used: int | None

    @property
    def remaining(self) -> int | None:
        return None if self.used is None else max(0, self.limit - self.used)

    @property
    def percent_used(self) -> int:
        if not self.used or not self.limit:
            return 0
        return min(100, round(100 * self.used / self.limit))


@dataclass(frozen=True)
class Quota:
    subscription: Subscription
    window_start: datetime
    window_end: datetime
    limits: list[Limit]
    live: bool  # the gateway's own counters (Redis), not the rollups that trail them


def analytics_module():
    try:
        return importlib.import_module("core.analytics")
    except ModuleNotFoundError:
        return None


def quotas(app: Application) -> list[Quota]:
    """Each subscription's plan limits, used and remaining in the current window, from
    core.quota: the rate-limit engine's live counters with Redis, the rollups without."""
    subscriptions = list(app.subscriptions.select_related("api", "plan").order_by("pk"))
    return [_quota(found) for found in subscription_quotas(subscriptions)]


def _quota(found: SubscriptionQuota) -> Quota:
    limits = [
        Limit(LIMIT_LABELS.get(limit.dimension, limit.dimension), limit.limit, limit.used)
        for limit in found.limits
    ]
    return Quota(
        subscription=found.subscription,
        window_start=found.window_start,
        window_end=found.window_end,
        limits=limits,
        live=found.source == QuotaSource.COUNTERS,
    )


def report_for(app: Application, range_key: str) -> Report:
    module = analytics_module()
    if module is None:
        return Report(available=False)
    span, bucket = RANGES[range_key][1], module.Bucket(BUCKETS[range_key])
    end = timezone.now()
    query = module.UsageQuery(
        tenant_id=app.tenant_id,
        start=end - span,
        end=end,
        bucket=bucket,
        application_ids=(app.pk,),
    )
    overall = module.usage_report(query)
    by_api = module.usage_report(replace(query, group_by=module.GroupBy.API))
    by_model = module.usage_report(replace(query, group_by=module.GroupBy.MODEL))
    names = dict(
        app.tenant.apis.filter(pk__in=[s.group for s in by_api.series]).values_list("pk", "name")
    )
    return Report(
        available=True,
        series=[(point.start, _totals(point)) for point in _points(overall)],
        by_api=[(names.get(s.group, f"API {s.group}"), _totals(s.totals)) for s in by_api.series],
        by_model=[(s.group or "", _totals(s.totals)) for s in by_model.series],
        totals=_totals(overall.totals),
    )


def chart_data(report: Report) -> dict:
    """Plain lists for Chart.js (passed to the page with json_script)."""
    return {
        "labels": [bucket.isoformat() for bucket, _ in report.series],
        "requests": [t.requests for _, t in report.series],
        "errors": [t.errors for _, t in report.series],
        "prompt_tokens": [t.prompt_tokens for _, t in report.series],
        "completion_tokens": [t.completion_tokens for _, t in report.series],
        "by_api": _grouped(report.by_api),
        "by_model": _grouped(report.by_model),
    }


def _grouped(rows: list[tuple[str, Totals]]) -> dict:
    return {
        "labels": [name or "(unknown)" for name, _ in rows],
        "requests": [t.requests for _, t in rows],
        "tokens": [t.total_tokens for _, t in rows],
    }


def _points(report) -> list:
    return (
        list(report.series[0].points)
        if report.series
        else [_Empty(start) for start in report.buckets]
    )


@dataclass(frozen=True)
class _Empty:
    start: datetime
    requests: int = 0
    errors: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


def _totals(point) -> Totals:
    return Totals(
        requests=point.requests,
        prompt_tokens=point.prompt_tokens,
        completion_tokens=point.completion_tokens,
        total_tokens=point.total_tokens,
        errors=point.errors,
    )
