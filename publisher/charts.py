"""Turn an analytics report (core.analytics) into what the analytics page draws with Chart.js."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from core.analytics import Bucket, UsagePoint, UsageReport, UsageSeries
from core.web.charts import BLUE, GREEN, ORANGE, PURPLE, RED, Chart, Dataset, plural, time_label


@dataclass(frozen=True)
class TimeRange:
    key: str
    label: str
    span: timedelta
    bucket: Bucket

    def window(self, now: datetime | None = None) -> tuple[datetime, datetime]:
        end = now or timezone.now()
        return end - self.span, end


RANGES: dict[str, TimeRange] = {
    r.key: r
    for r in (
        TimeRange("1h", "last hour", timedelta(hours=1), Bucket.MINUTE),
        TimeRange("24h", "last 24 hours", timedelta(hours=24), Bucket.HOUR),
        TimeRange("7d", "last 7 days", timedelta(days=7), Bucket.HOUR),
        TimeRange("30d", "last 30 days", timedelta(days=30), Bucket.DAY),
    )
}
DEFAULT_RANGE = "24h"


BUCKET_SPANS = {
    Bucket.MINUTE: timedelta(minutes=1),
    Bucket.HOUR: timedelta(hours=1),
    Bucket.DAY: timedelta(days=1),
}


def bucket_label(start: datetime, bucket: Bucket, span: timedelta) -> str:
    return time_label(start, BUCKET_SPANS[bucket], span)


def _series(points: tuple[UsagePoint, ...], name: str) -> list:
    return [getattr(point, name) for point in points]


def build_charts(report: UsageReport, time_range: TimeRange) -> list[Chart]:
    labels = [bucket_label(start, time_range.bucket, time_range.span) for start in report.buckets]
    points = report.series[0].points if report.series else ()
    points = points or tuple(UsagePoint(start=start) for start in report.buckets)
    return [
        builder(points, labels, report.totals, time_range)
        for builder in (_requests_chart, _tokens_chart, _latency_chart)
    ]


def _requests_chart(points, labels, totals: UsagePoint, time_range: TimeRange) -> Chart:
    summary = (
        f"{plural(totals.requests, 'request')} and {plural(totals.errors, 'error')} "
        f"in the {time_range.label}."
    )
    datasets = [
        Dataset("Requests", _series(points, "requests"), BLUE, "bar"),
        Dataset("Errors", _series(points, "errors"), RED, "bar"),
    ]
    title = f"Requests and errors per {time_range.bucket.value}"
    return Chart("requests", title, "calls", summary, labels, datasets)


def _tokens_chart(points, labels, totals: UsagePoint, time_range: TimeRange) -> Chart:
    summary = (
        f"{totals.prompt_tokens} prompt and "
        f"{plural(totals.completion_tokens, 'completion token')} in the {time_range.label}."
    )
    datasets = [
        Dataset("Prompt tokens", _series(points, "prompt_tokens"), PURPLE, "bar", "t"),
        Dataset("Completion tokens", _series(points, "completion_tokens"), GREEN, "bar", "t"),
    ]
    title = f"Tokens per {time_range.bucket.value}"
    return Chart("tokens", title, "tokens", summary, labels, datasets)


def _latency_chart(points, labels, totals: UsagePoint, time_range: TimeRange) -> Chart:
    summary = (
        f"Median latency {_ms(totals.latency_p50_ms)}, 95th percentile "
        f"{_ms(totals.latency_p95_ms)} in the {time_range.label}."
    )
    datasets = [
        Dataset("Median (p50)", _series(points, "latency_p50_ms"), BLUE),
        Dataset("95th percentile", _series(points, "latency_p95_ms"), ORANGE),
    ]
    title = f"Latency per {time_range.bucket.value} (ms)"
    return Chart("latency", title, "ms", summary, labels, datasets)


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:g} ms"


@dataclass(frozen=True)
class TopRow:
    name: str
    requests: int
    errors: int
    prompt_tokens: int
    completion_tokens: int


def top_rows(series: tuple[UsageSeries, ...], names: dict, limit: int = 5) -> list[TopRow]:
    rows = []
    for one in series[:limit]:
        t = one.totals
        name = names.get(one.group) or (str(one.group) if one.group else "unknown")
        rows.append(TopRow(name, t.requests, t.errors, t.prompt_tokens, t.completion_tokens))
    return rows
