"""Per-call metrics, observed once a call ended (from its record and usage event).

The labelled children of each API (and of each status and code) are looked up once and kept:
a call then costs one dict lookup per family instead of prometheus_client's label handling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from proxy.limits.codes import ALL_CODES
from proxy.metrics.families import Families
from proxy.record import CallRecord
from proxy.usage import UsageEvent

ApiLabels = tuple[str, str, str]  # tenant, api, api_version
UNROUTED: ApiLabels = ("", "", "")
LIMIT_CODES = frozenset(ALL_CODES)


@dataclass(slots=True)
class ApiSeries:
    duration: Any  # the labelled Histogram children
    upstream: Any
    ttfb: Any
    tokens_in: Any
    tokens_out: Any


class CallMetrics:
    def __init__(self, families: Families) -> None:
        self._families = families
        self._series: dict[ApiLabels, ApiSeries] = {}
        self._outcomes: dict[tuple[ApiLabels, int, str], Any] = {}

    def observe(self, record: CallRecord, event: UsageEvent) -> None:
        deployment = record.deployment
        api = (
            (deployment.tenant_slug, deployment.api_name, deployment.api_version)
            if deployment is not None
            else UNROUTED
        )
        series = self._series.get(api) or self._add_series(api)
        outcome = (api, event.status, event.error_code)
        requests = self._outcomes.get(outcome) or self._add_outcome(outcome)
        requests.inc()
        series.duration.observe(event.total_latency_ms / 1000)
        if record.upstream_ms is not None:
            series.upstream.observe(record.upstream_ms / 1000)
        if record.upstream_ttfb_ms is not None:
            series.ttfb.observe(record.upstream_ttfb_ms / 1000)
        if event.prompt_tokens:
            series.tokens_in.inc(event.prompt_tokens)
        if event.completion_tokens:
            series.tokens_out.inc(event.completion_tokens)
        if event.error_code in LIMIT_CODES:
            self._families.limit_refusals.labels(*api, event.error_code).inc()
        if record.stream_cut:
            self._families.stream_cuts.labels(*api, record.stream_cut).inc()

    def _add_series(self, api: ApiLabels) -> ApiSeries:
        families = self._families
        series = ApiSeries(
            duration=families.duration.labels(*api),
            upstream=families.upstream.labels(*api),
            ttfb=families.ttfb.labels(*api),
            tokens_in=families.tokens.labels(*api, "input"),
            tokens_out=families.tokens.labels(*api, "output"),
        )
        self._series[api] = series
        return series

    def _add_outcome(self, outcome: tuple[ApiLabels, int, str]) -> Any:
        api, status, code = outcome
        child = self._families.requests.labels(*api, str(status), code)
        self._outcomes[outcome] = child
        return child
