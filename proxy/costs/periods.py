"""A budget's period (UTC day, ISO week from Monday, calendar month) as a counter window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

DAY = 86_400
WEEK = 7 * DAY
MONDAY_ANCHOR = 4 * DAY  # 1970-01-05, the first Monday after the epoch
PERIODS = ("day", "week", "month")


def period_bounds(period: str, now: float) -> tuple[int, int]:
    """(start, end) in epoch seconds of the period containing `now`."""
    if period == "day":
        start = int(now // DAY) * DAY
        return start, start + DAY
    if period == "week":
        start = MONDAY_ANCHOR + int((now - MONDAY_ANCHOR) // WEEK) * WEEK
        return start, start + WEEK
    if period == "month":
        return _month_bounds(datetime.fromtimestamp(now, UTC))
    raise ValueError(f"unknown budget period {period!r}")


def _month_bounds(at: datetime) -> tuple[int, int]:
    first = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    following = (first + timedelta(days=32)).replace(day=1)
    return int(first.timestamp()), int(following.timestamp())
