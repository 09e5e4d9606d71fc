"""The metrics of one proxy process: families, per-call observer, state gauges and the
`/metrics` endpoint on PROXY_METRICS_HOST:PROXY_METRICS_PORT.

Every process of a `--workers N` proxy binds the port with SO_REUSEPORT; the kernel hands a
scrape to one of them, which answers the sum of all from PROMETHEUS_MULTIPROC_DIR.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os

from aiohttp import web
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    ProcessCollector,
    generate_latest,
    multiprocess,
)

from proxy.config import ProxyConfig
from proxy.metrics.calls import CallMetrics
from proxy.metrics.families import Families
from proxy.metrics.state import StateMetrics
from proxy.registry import Registry
from proxy.usage import UsageSink

log = logging.getLogger("proxy.metrics")
MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"


class MetricsService:
    def __init__(self, config: ProxyConfig, registry: Registry, sink: UsageSink) -> None:
        self._config = config
        self._shared_dir = os.environ.get(MULTIPROC_DIR) or None
        self._registry = CollectorRegistry()
        families = Families(self._registry)
        self.calls = CallMetrics(families)  # the gateway's per-call observer
        self._state = StateMetrics(families, registry, sink)
        self._runner: web.AppRunner | None = None
        self._task: asyncio.Task[None] | None = None

    def render(self) -> bytes:
        self._state.update()
        if self._shared_dir is None:
            return generate_latest(self._registry)
        combined = CollectorRegistry()
        multiprocess.MultiProcessCollector(combined, path=self._shared_dir)
        return generate_latest(combined)

    async def start(self) -> None:
        if self._config.workers > 1 and self._shared_dir is None:
            raise RuntimeError(
                f"PROXY_WORKERS={self._config.workers} with metrics on needs "
                f"{MULTIPROC_DIR}: an empty directory the processes share (each one alone "
                "would answer a scrape with its own share of the calls)"
            )
        if self._shared_dir is None:
            ProcessCollector(registry=self._registry)
        app = web.Application()
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(
            self._runner, self._config.metrics_host, self._config.metrics_port, reuse_port=True
        )
        await site.start()
        self._task = asyncio.create_task(self._refresh(), name="metrics-state")
        log.info(
            "metrics served",
            extra={
                "event": "metrics_started",
                "address": f"{self._config.metrics_host}:{self._config.metrics_port}",
                "multiprocess": self._shared_dir is not None,
            },
        )

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._runner is not None:
            await self._runner.cleanup()
        if self._shared_dir is not None:
            multiprocess.mark_process_dead(os.getpid(), self._shared_dir)

    async def _metrics(self, request: web.Request) -> web.Response:
        return web.Response(body=self.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def _refresh(self) -> None:
        while True:
            self._state.update()
            await asyncio.sleep(self._config.metrics_interval)
