"""Prometheus metrics of the proxy, on their own port (PROXY_METRICS_PORT; 0, the default, is
off and imports nothing of this package's dependencies).

The port is not the API port: callers of the gateway cannot reach it unless an operator routes
it. With several processes (`--workers N`, or any server that forks) set
PROMETHEUS_MULTIPROC_DIR to an empty directory shared by them: each process writes its values
there and a scrape of any one of them answers the sum (docs/operations.md, Metrics).
"""

from __future__ import annotations

from typing import Protocol

from proxy.config import ProxyConfig
from proxy.record import CallRecord
from proxy.registry import Registry
from proxy.usage import UsageEvent, UsageSink

__all__ = ["CallObserver", "ProxyMetrics", "open_metrics"]


class CallObserver(Protocol):
    def observe(self, record: CallRecord, event: UsageEvent) -> None: ...


class ProxyMetrics(Protocol):
    @property
    def calls(self) -> CallObserver: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


def open_metrics(config: ProxyConfig, registry: Registry, sink: UsageSink) -> ProxyMetrics | None:
    if not config.metrics_port:
        return None
    from proxy.metrics.service import MetricsService

    return MetricsService(config, registry, sink)
