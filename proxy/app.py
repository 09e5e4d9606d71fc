"""The proxy's ASGI application: `proxy.app:app`.

Nothing happens at import: lifespan startup reads the config and opens the process's
resources (upstream client, registry store, usage sink, limiter); shutdown closes them.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
import orjson

from proxy.accesslog import AccessLog
from proxy.asgi import JSON_CONTENT_TYPE, Receive, Scope, Send, send_whole
from proxy.balancing import Router, open_router
from proxy.config import ProxyConfig
from proxy.crypto import KeyRing
from proxy.forward import Forwarder
from proxy.gateway import Gateway
from proxy.jsonlog import ensure_logging
from proxy.metrics import ProxyMetrics, open_metrics
from proxy.policy_hooks import Limiter, load_limiter
from proxy.production import InsecureSettings
from proxy.registry import Registry, RegistryStore, open_store
from proxy.request_ids import new_request_id
from proxy.upstream import open_session
from proxy.usage import UsageSink, open_sink

if TYPE_CHECKING:
    from proxy.tracing import CallTracer

log = logging.getLogger("proxy")
SHUTDOWN_GRACE = 5.0  # seconds for cancelled calls to write their last event and usage


@dataclass(slots=True)
class Resources:
    config: ProxyConfig
    registry: Registry
    store: RegistryStore
    sink: UsageSink
    limiter: Limiter
    gateway: Gateway
    session: aiohttp.ClientSession
    access_log: AccessLog | None
    metrics: ProxyMetrics | None
    tracer: CallTracer | None
    router: Router

    @classmethod
    async def open(cls, config: ProxyConfig) -> Resources:
        registry = Registry(config, KeyRing(list(config.fernet_keys), config.secret_key))
        store = open_store(config, registry)
        sink = open_sink(config)
        limiter = load_limiter(config)
        session = open_session(config)
        access_log = AccessLog() if config.access_log else None
        metrics = open_metrics(config, registry, sink)
        tracer = _open_tracer() if config.tracing else None
        observer = metrics.calls if metrics is not None else None
        forwarder = Forwarder(session)
        router = open_router(config, forwarder)
        gateway = Gateway(
            config, registry, forwarder, sink, limiter, access_log, observer, tracer, router
        )
        await store.start()
        await router.start()
        await sink.start()
        await limiter.start()
        await gateway.budgets.start()
        if access_log is not None:
            await access_log.start()
        if metrics is not None:
            await metrics.start()
        return cls(
            config,
            registry,
            store,
            sink,
            limiter,
            gateway,
            session,
            access_log,
            metrics,
            tracer,
            router,
        )

    async def close(self) -> None:
        await self.store.close()
        await self.router.close()
        await self.limiter.close()
        await self.gateway.budgets.close()
        await self.sink.close()
        await self.session.close()
        if self.access_log is not None:
            await self.access_log.close()
        if self.metrics is not None:
            await self.metrics.close()
        if self.tracer is not None:
            self.tracer.close()


def _open_tracer() -> CallTracer:
    from proxy.tracing import open_tracer

    return open_tracer()


class ProxyApp:
    def __init__(self) -> None:
        self._resources: Resources | None = None
        self._calls = 0  # in progress: shutdown waits for them before closing the usage sink
        self._idle = asyncio.Event()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            resources = self._resources
            path = scope["path"]
            if path == "/healthz" or path == "/readyz" or resources is None:
                await self._probe(path, send)
                return
            self._calls += 1
            try:
                await resources.gateway.handle(scope, receive, send)
            finally:
                self._calls -= 1
                if not self._calls:
                    self._idle.set()
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _probe(self, path: str, send: Send) -> None:
        resources = self._resources
        ready = resources is not None and resources.registry.ready
        body: dict[str, Any]
        if path == "/healthz":
            status, body = 200, {"status": "ok"}
        elif path == "/readyz":
            status = 200 if ready else 503
            registry = resources.registry if resources else None
            body = {
                "status": "ready" if ready else "starting",
                "deployments": registry.deployment_count if registry else 0,
                "registry_version": registry.version if registry else 0,
            }
        else:
            status, body = (
                503,
                {
                    "error": {
                        "message": "The gateway is starting.",
                        "type": "server_error",
                        "code": "gateway_not_ready",
                        "param": None,
                    }
                },
            )
        headers = [
            JSON_CONTENT_TYPE,
            (b"cache-control", b"no-store"),
            (b"x-request-id", new_request_id().encode()),
        ]
        await send_whole(send, status, headers, orjson.dumps(body))

    async def _calls_ended(self) -> None:
        """Calls the drain deadline cancelled end in-band and emit their usage; wait for that
        (briefly) so their events reach the sink before it closes."""
        if self._calls:
            self._idle.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._idle.wait(), SHUTDOWN_GRACE)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    config = ProxyConfig.from_env()
                    ensure_logging(config.log_level)
                    config.refuse_insecure_secrets()
                    self._resources = await Resources.open(config)
                except InsecureSettings as exc:
                    log.error(str(exc), extra={"event": "insecure_settings"})
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                except Exception as exc:
                    log.exception("proxy startup failed", extra={"event": "startup_failed"})
                    await send({"type": "lifespan.startup.failed", "message": repr(exc)})
                    return
                # What start-up built lives as long as the process: keep it out of every
                # collection the hot path triggers.
                gc.freeze()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self._calls_ended()
                if self._resources is not None:
                    await self._resources.close()
                    self._resources = None
                await send({"type": "lifespan.shutdown.complete"})
                return


app = ProxyApp()
