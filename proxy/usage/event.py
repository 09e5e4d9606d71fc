"""One usage event per call; its fields are the columns of core_usageevent."""

from __future__ import annotations

import time
from dataclasses import dataclass, fields
from datetime import UTC, datetime

import orjson


@dataclass(slots=True)
class UsageEvent:
    request_id: str
    ts: str  # ISO-8601 UTC
    status: int
    total_latency_ms: float
    tenant_id: int | None = None
    api_id: int | None = None
    revision_id: int | None = None
    application_id: int | None = None
    key_id: int | None = None
    key_type: str = ""
    environment: str = ""
    vendor: str = ""
    model_requested: str = ""
    model_answered: str = ""
    operation: str = ""
    error_code: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    upstream_latency_ms: float | None = None
    streamed: bool = False
    quota_exceeded: bool = False
    stream_cut: str = ""  # "" for a stream that ended whole (and every unstreamed call)
    client_request_id: str = ""  # the caller's x-request-id; request_id stays the gateway's
    target: str = ""  # the pool target that answered; "" for an API with one endpoint
    attempts: int = 1  # upstream attempts (targets tried)
    failovers: str = ""  # "target:reason,…" for each attempt that moved on (429, 5xx, …)
    knowledge: str = ""  # retrieved sources as JSON: {"sources": [...], "rewrite_tokens": n}
    policy_actions: str = ""  # JSON [[policy, action], …] when AI policies acted
    cached_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    cost_pico: int | None = None  # 10⁻¹² of `currency`; None: the model has no price
    currency: str = ""
    downgraded_from: str = ""  # the model the caller asked for, when a budget downgraded it

    def to_json(self) -> bytes:
        return orjson.dumps(self)


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(UsageEvent))


class _SecondStamp:
    """The date and time up to the second, formatted once per second rather than per call."""

    __slots__ = ("second", "text")

    def __init__(self) -> None:
        self.second, self.text = -1, ""

    def at(self, second: int) -> str:
        if second != self.second:
            moment = datetime.fromtimestamp(second, UTC)
            self.second, self.text = second, moment.strftime("%Y-%m-%dT%H:%M:%S")
        return self.text


_stamp = _SecondStamp()


def utc_now_iso() -> str:
    """Now as `datetime.now(UTC).isoformat(timespec="microseconds")` writes it."""
    now = time.time()
    second = int(now)
    return f"{_stamp.at(second)}.{int((now - second) * 1_000_000):06d}+00:00"
