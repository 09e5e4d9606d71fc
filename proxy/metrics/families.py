"""The proxy's metric families: names, labels and buckets, defined once.

Per-call families carry the API's tenant, name and version (`unrouted` calls have empty ones).
Gauges say how several processes combine (`multiprocess_mode`): a sum of buffers, the worst
registry of all.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

API_LABELS = ("tenant", "api", "api_version")
# Seconds: from a cached answer (a few ms) to a long generation (minutes).
LATENCY_BUCKETS = (
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0,
)  # fmt: skip


class Families:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "tollgate_proxy_requests_total",
            "Calls answered, by API, HTTP status and error code ('' when none).",
            (*API_LABELS, "status", "code"),
            registry=registry,
        )
        self.duration = _histogram(
            registry, "tollgate_proxy_request_duration_seconds", "Whole call, as the caller saw it."
        )
        self.upstream = _histogram(
            registry,
            "tollgate_proxy_upstream_duration_seconds",
            "From sending to the provider to its last byte.",
        )
        self.ttfb = _histogram(
            registry,
            "tollgate_proxy_upstream_ttfb_seconds",
            "From sending to the provider to its response headers (time to first byte).",
        )
        self.tokens = Counter(
            "tollgate_proxy_tokens_total",
            "Tokens metered, by direction: input (prompt) or output (completion).",
            (*API_LABELS, "direction"),
            registry=registry,
        )
        self.limit_refusals = Counter(
            "tollgate_proxy_limit_refusals_total",
            "Calls the limiter refused, by the limit's error code.",
            (*API_LABELS, "code"),
            registry=registry,
        )
        self.stream_cuts = Counter(
            "tollgate_proxy_stream_cuts_total",
            "Streams that ended early, by reason (upstream_closed, upstream_timeout, ...).",
            (*API_LABELS, "reason"),
            registry=registry,
        )
        self.registry_version = Gauge(
            "tollgate_proxy_registry_version",
            "The highest registry version applied (the least of all processes).",
            registry=registry,
            multiprocess_mode="livemin",
        )
        self.registry_change = Gauge(
            "tollgate_proxy_registry_last_change_timestamp_seconds",
            "When the newest registry change applied was written (versions are a microsecond "
            "clock); time() minus this is the registry's age.",
            registry=registry,
            multiprocess_mode="livemin",
        )
        self.registry_generation = Gauge(
            "tollgate_proxy_registry_generation_timestamp_seconds",
            "When the control plane last republished everything (the generation loaded); "
            "0 in the embedded mode.",
            registry=registry,
            multiprocess_mode="livemin",
        )
        self.registry_stale = Gauge(
            "tollgate_proxy_registry_stale",
            "1 while Redis holds less than the process serves (it keeps its cached registry).",
            registry=registry,
            multiprocess_mode="livemax",
        )
        self.deployments = Gauge(
            "tollgate_proxy_registry_deployments",
            "Deployments served.",
            registry=registry,
            multiprocess_mode="livemax",
        )
        self.usage_buffered = Gauge(
            "tollgate_proxy_usage_buffered_events",
            "Usage events waiting in the proxies' buffers for the sink.",
            registry=registry,
            multiprocess_mode="livesum",
        )
        self.usage_dropped = Counter(
            "tollgate_proxy_usage_dropped_events_total",
            "Usage events dropped because a buffer was full (PROXY_USAGE_BUFFER_LIMIT).",
            registry=registry,
        )


def _histogram(registry: CollectorRegistry, name: str, documentation: str) -> Histogram:
    return Histogram(name, documentation, API_LABELS, registry=registry, buckets=LATENCY_BUCKETS)
