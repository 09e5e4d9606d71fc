"""The default limiter: the rate-limit engine (`proxy/limits/`) behind the gateway's seam.

Every call is checked on every level its snapshots set (plan, application tier, API backend
per key type): one request and the estimated tokens are reserved before forwarding, and the
reservation is settled to the provider's usage afterwards. Counters live in Redis, shared by
every proxy process, or in this process in the embedded mode (no REDIS_URL).
"""

from __future__ import annotations

import asyncio

from redis.asyncio import BlockingConnectionPool, Redis

from proxy import limits
from proxy.config import ProxyConfig
from proxy.errors import CATALOG, RATE_LIMIT_EXCEEDED, GatewayError
from proxy.limits.model import Usage
from proxy.limits.rules import counters_for
from proxy.policy_hooks import NOTHING_RESERVED, AdmissionRequest, Headers, Reservation

# Each check is one short script call and Redis runs them one at a time: a few connections
# per process carry any rate; more would only mean more sockets opening at once in a burst.
REDIS_MAX_CONNECTIONS = 16


def open_counters_redis(url: str, timeout: float) -> Redis:
    """An asyncio client on a blocking pool: a burst waits for a connection, never raises.

    `timeout` bounds connecting and each reply; the engine also bounds the whole round trip
    (waiting for a pooled connection included) with it, then falls back to local counters.
    """
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=REDIS_MAX_CONNECTIONS,
        timeout=timeout,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        socket_keepalive=True,
    )
    return Redis.from_pool(pool)  # closing the client closes its pool


class EngineLimiter:
    """`policy_hooks.Limiter` over `proxy.limits.Limiter` (select with PROXY_LIMITER)."""

    only_limited_calls = True  # no level sets a limit: no counters, nothing to do

    def __init__(self, config: ProxyConfig) -> None:
        self._config = config
        self._limits_config = limits.LimiterConfig.from_env()
        self._redis: Redis | None = None
        self._engine: limits.Limiter | None = None
        self._loading: dict[str, asyncio.Future[limits.Estimator]] = {}

    async def start(self) -> None:
        if not self._config.embedded:
            timeout = self._limits_config.redis_timeout_seconds
            self._redis = open_counters_redis(self._config.redis_url, timeout)
        self._engine = limits.Limiter.from_config(self._limits_config, redis=self._redis)

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    async def admit(self, request: AdmissionRequest) -> Reservation:
        counters = counters_for(request.identity)
        if not counters:
            return NOTHING_RESERVED
        # A call no token limit applies to is never run through the tokenizer.
        wants_tokens = any(counter.dimension.is_tokens for counter in counters)
        estimate = None
        if wants_tokens:
            await self._load_vocabulary(request.model)
            estimate = request.estimate()
        assert self._engine is not None, "start() opens the engine"
        decision = await self._engine.reserve(counters, estimate)
        headers = decision.raw_headers()
        if not decision.admitted:
            kind = CATALOG.get(decision.code or "", RATE_LIMIT_EXCEEDED)
            raise GatewayError(kind, decision.message, headers=headers)
        return EngineReservation(self._engine, decision, headers)

    async def _load_vocabulary(self, model: str) -> None:
        """A vocabulary is loaded the first time a token limit needs it, once, in a thread
        (the loop serves other calls meanwhile; calls arriving during the load wait for the
        same load): a gateway whose plans set no token limit never loads one."""
        if limits.estimator_loaded(model):
            return
        encoding = limits.encoding_for(model)
        loading = self._loading.get(encoding)
        if loading is None:
            loading = asyncio.ensure_future(asyncio.to_thread(limits.estimator_for, model))
            self._loading[encoding] = loading
            loading.add_done_callback(lambda _: self._loading.pop(encoding, None))
        await asyncio.shield(loading)


class EngineReservation:
    """The engine's decision for one admitted call, settled to what the call spent."""

    __slots__ = ("_engine", "decision", "headers")

    def __init__(self, engine: limits.Limiter, decision: limits.Decision, headers: Headers):
        self._engine = engine
        self.decision = decision
        self.headers = headers

    @property
    def quota_exceeded(self) -> bool:
        return self.decision.quota_exceeded

    async def settle(self, usage: Usage, status: int) -> None:
        await self._engine.settle(self.decision, spent(usage, status))


def spent(usage: Usage, status: int) -> Usage | None:
    """What to charge instead of the reservation.

    The provider's count when it reported one; nothing when the call failed or the client left
    before any usage arrived (refund); None (keep the reservation) for a success without usage.
    """
    if usage.reported:
        return usage
    if status >= 400:
        return Usage()
    return None
