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
from core.web.charts import BLUE, GREEN, PURPLE, RED, Chart, Dataset, plural, time_label

RANGES: dict[str, tuple[str, timedelta]] = {
    "1h": ("Last hour", timedelta(hours=1)),
    "24h": ("Last 24 hours", timedelta(hours=24)),
    "7d": ("Last 7 days", timedelta(days=7)),
    "30d": ("Last 30 days", timedelta(days=30)),
}
DEFAULT_RANGE = "24h"
BUCKETS = {"1h": "minute", "24h": "hour", "7d": "hour", "30d": "day"}
BUCKET_SPANS = {
    "minute": timedelta(minutes=1),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
}


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


def charts(report: Report, range_key: str) -> list[Chart]:
    """The page's charts, drawn by the portals' one chart component (core.web.charts)."""
    span = RANGES[range_key][1]
    bucket = BUCKET_SPANS[BUCKETS[range_key]]
    labels = [time_label(start, bucket, span) for start, _ in report.series]
    points = [totals for _, totals in report.series]
    t = report.totals
    return [
        Chart(
            "requests", "Requests over time", "calls",
            f"{plural(t.requests, 'request')} and {plural(t.errors, 'error')}.",
            labels,
            [
                Dataset("Requests", [p.requests for p in points], BLUE, "bar"),
                Dataset("Errors", [p.errors for p in points], RED, "bar"),
            ],
        ),
        Chart(
            "tokens", "Tokens over time", "tokens",
            f"{t.prompt_tokens} prompt and {plural(t.completion_tokens, 'completion token')}.",
            labels,
            [
                Dataset("Prompt tokens", [p.prompt_tokens for p in points], PURPLE, "bar", "t"),
                Dataset(
                    "Completion tokens", [p.completion_tokens for p in points], GREEN, "bar", "t"
                ),
            ],
        ),
        _grouped("by_api", "By API", "API", report.by_api),
        _grouped("by_model", "By model", "Model", report.by_model),
    ]  # fmt: skip


def _grouped(slug: str, title: str, what: str, rows: list[tuple[str, Totals]]) -> Chart:
    datasets = [
        Dataset("Requests", [t.requests for _, t in rows], BLUE, "bar"),
        Dataset("Tokens", [t.total_tokens for _, t in rows], GREEN, "bar", axis="y1"),
    ]
    names = [name or "(unknown)" for name, _ in rows]
    summary = f"Requests and tokens by {what.lower()}: {plural(len(rows), what.lower())}."
    return Chart(slug, title, "calls", summary, names, datasets, first_column=what)


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
