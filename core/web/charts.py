"""The one chart of both portals: what a chart draws (Chart.js, static/js/charts.js), its
palette, and its time labels (24-hour clock, in the time zone the page states)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

BLUE, RED, GREEN, ORANGE, PURPLE, TEAL = (
    "#2453d4", "#b3261e", "#1d7a45", "#c26a00", "#7c3aed", "#0e7490",
)  # fmt: skip
PALETTE = (BLUE, RED, GREEN, ORANGE, PURPLE, TEAL)


@dataclass(frozen=True)
class Dataset:
    label: str
    data: list[float | int | None]
    color: str
    type: str = "line"
    stack: str | None = None
    axis: str | None = None  # "y1": drawn against a second scale on the right


@dataclass(frozen=True)
class Chart:
    """One chart: a canvas, its Chart.js data, and a summary for screen readers."""

    slug: str
    title: str
    unit: str
    summary: str
    labels: list[str]
    datasets: list[Dataset] = field(default_factory=list)
    first_column: str = "Time"  # what the labels are, as the data table's first heading

    def as_json(self) -> dict:
        return {
            "labels": self.labels,
            "unit": self.unit,
            "datasets": [asdict(d) for d in self.datasets],
        }

    def rows(self) -> list[tuple[str, list]]:
        """The data as table rows (label, values per dataset), the charts' text alternative."""
        return [(label, [d.data[i] for d in self.datasets]) for i, label in enumerate(self.labels)]


def time_label(start: datetime, bucket: timedelta, span: timedelta) -> str:
    """A bucket's start on the 24-hour clock, in the current time zone; with the date when
    the buckets are days or the range is longer than a day."""
    local = timezone.localtime(start)
    if bucket >= timedelta(days=1):
        return local.strftime("%m-%d")
    if span > timedelta(days=1):
        return local.strftime("%m-%d %H:00")
    return local.strftime("%H:%M")


def plural(count: int, word: str, words: str | None = None) -> str:
    """`plural(1, "error")` is "1 error", `plural(2, "error")` "2 errors"."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def chart_data(charts: list[Chart]) -> dict:
    """What the page embeds (json_script "chart-data") for static/js/charts.js."""
    return {chart.slug: chart.as_json() for chart in charts}
