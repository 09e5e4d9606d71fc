"""Turn an analytics report (core.analytics) into what the analytics page draws with Chart.js."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from core.analytics import Bucket, UsagePoint, UsageReport, UsageSeries


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


@dataclass(frozen=True)
class Dataset:
    label: str
    data: list[float | int | None]
    color: str
    type: str = "line"
    stack: str | None = None


@dataclass(frozen=True)
class Chart:
    """One chart: a canvas, its Chart.js data, and a summary for screen readers."""

    slug: str
    title: str
    unit: str
    summary: str
    labels: list[str]
    datasets: list[Dataset] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "labels": self.labels,
            "unit": self.unit,
            "datasets": [asdict(d) for d in self.datasets],
        }

    def rows(self) -> list[tuple[str, list]]:
        """The data as table rows (label, values per dataset), the charts' text alternative."""
        return [(label, [d.data[i] for d in self.datasets]) for i, label in enumerate(self.labels)]


BLUE, RED, GREEN, ORANGE, PURPLE = "#2453d4", "#b3261e", "#1d7a45", "#c26a00", "#7c3aed"


def bucket_label(start: datetime, bucket: Bucket, span: timedelta) -> str:
    local = timezone.localtime(start)
    if bucket is Bucket.DAY:
        return local.strftime("%m-%d")
    if span > timedelta(days=1):
        return local.strftime("%m-%d %H:00")
    return local.strftime("%H:%M")


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
    summary = f"{totals.requests} requests and {totals.errors} errors in the {time_range.label}."
    datasets = [
        Dataset("Requests", _series(points, "requests"), BLUE, "bar"),
        Dataset("Errors", _series(points, "errors"), RED, "bar"),
    ]
    title = f"Requests and errors per {time_range.bucket.value}"
    return Chart("requests", title, "calls", summary, labels, datasets)


def _tokens_chart(points, labels, totals: UsagePoint, time_range: TimeRange) -> Chart:
    summary = (
        f"{totals.prompt_tokens} prompt and {totals.completion_tokens} completion tokens "
        f"in the {time_range.label}."
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
