"""Registry store in Redis: deployments hash + key strings, invalidated over pub/sub.

The listener subscribes first and loads second, so no change published in between is lost.
The last good registry is never thrown away: a load replaces the cache only when Redis holds at
least what this process serves (`replaces_cache`). After Redis lost its data (no generation
token, or a committed version behind the one applied) the registry is `stale`: the cache keeps
serving, announced changes still apply one by one, an absent key is refused as unavailable, and
the store checks again every second until the control plane has republished everything under
a new generation. The registry version applied is the committed version read with the load (one
MULTI), then the version of each announcement applied.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import orjson
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from proxy.contract import DEPLOYMENT, KEY, KNOWLEDGE, RedisNames
from proxy.registry.cache import Registry

log = logging.getLogger("proxy.registry")
FIRST_RETRY = 0.1  # seconds before reconnecting; doubles up to LAST_RETRY
LAST_RETRY = 1.0  # a revocation waits at most this long for a proxy to hear of it
RECHECK = 1.0  # how often a stale registry looks at Redis again


def open_redis(url: str, max_connections: int = 64) -> aioredis.Redis:
    # A blocking pool waits for a free connection under bursts instead of raising.
    pool = aioredis.BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=5,
        socket_connect_timeout=2,
        socket_keepalive=True,
        health_check_interval=10,
    )
    return aioredis.Redis.from_pool(pool)  # closing the client closes its pool


def replaces_cache(
    ready: bool, known: bytes | None, generation: bytes | None, committed: int, applied: int
) -> bool:
    """Whether what Redis holds may replace what the process serves."""
    if not ready:
        return True  # nothing loaded yet, nothing to lose
    if generation != known:
        return generation is not None  # a complete republish; or none: Redis lost its data
    return committed >= applied


class RedisRegistryStore:
    def __init__(self, url: str, names: RedisNames, registry: Registry) -> None:
        self._redis = open_redis(url)
        self._names = names
        self._registry = registry
        self._generation: bytes | None = None
        self._down = False
        self._retry = FIRST_RETRY
        self._task: asyncio.Task[None] | None = None
        registry.fetch_key = self.fetch_key
        registry.knowledge.fetch = self.fetch_knowledge

    async def start(self) -> None:
        self._task = asyncio.create_task(self._listen_forever(), name="registry-redis")

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._redis.aclose()

    async def fetch_key(self, digest: str) -> bytes | str | None:
        return await self._redis.get(self._names.key(digest))

    async def fetch_knowledge(self, index_key: str) -> bytes | str | None:
        return await self._redis.get(self._names.knowledge(index_key))

    async def _listen_forever(self) -> None:
        while True:
            try:
                await self._listen()
            except (RedisError, OSError) as exc:
                if not self._down:
                    log.warning(
                        "registry Redis unreachable; serving the cached registry",
                        extra={"event": "registry_redis_down", "error": type(exc).__name__},
                    )
                self._down = True
                await asyncio.sleep(self._retry)
                self._retry = min(self._retry * 2, LAST_RETRY)

    async def _listen(self) -> None:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self._names.invalidations)
            await self._reload_all()
            self._registry.ready = True
            self._down, self._retry = False, FIRST_RETRY
            while True:
                message = await pubsub.get_message(timeout=RECHECK)
                if message is not None and message.get("type") == "message":
                    await self._apply(message["data"])
                elif message is None and self._registry.stale:
                    await self._recheck()
        finally:
            with contextlib.suppress(RedisError, OSError):
                await pubsub.aclose()

    async def _recheck(self) -> None:
        """A stale registry: reload only once Redis may replace the cache (two cheap GETs)."""
        generation, committed = await self._redis.mget(
            [self._names.generation, self._names.committed]
        )
        if self._replaces(_bytes(generation), int(committed or 0)):
            await self._reload_all()

    def _replaces(self, generation: bytes | None, committed: int) -> bool:
        registry = self._registry
        return replaces_cache(
            registry.ready, self._generation, generation, committed, registry.version
        )

    async def _reload_all(self) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.get(self._names.generation)
            pipe.get(self._names.committed)
            pipe.hgetall(self._names.deployments)
            generation, committed, entries = await pipe.execute()
        version = int(committed or 0)
        registry = self._registry
        if not self._replaces(_bytes(generation), version):
            self._keep_cache(generation, version)
            return
        registry.evict_all_keys()
        registry.knowledge.evict_all()
        by_key = {_text(field): body for field, body in entries.items()}
        registry.replace_deployments({k: v for k, v in by_key.items() if registry.serves(k)})
        self._generation = generation
        registry.generation = _bytes(generation)
        registry.stale = False
        registry.applied(version)
        log.info(
            "registry loaded",
            extra={"event": "registry_loaded", "deployments": registry.deployment_count},
        )

    def _keep_cache(self, generation: bytes | None, committed: int) -> None:
        if not self._registry.stale:
            log.warning(
                "registry Redis holds less than this process serves; keeping the cached "
                "registry until the control plane republishes",
                extra={
                    "event": "registry_redis_behind",
                    "generation_present": generation is not None,
                    "redis_version": committed,
                    "applied_version": self._registry.version,
                },
            )
        self._registry.stale = True

    async def _apply(self, raw: bytes) -> None:
        try:
            notice = orjson.loads(raw)
            kind, key, version = notice.get("kind"), notice.get("key"), notice.get("version")
        except (orjson.JSONDecodeError, AttributeError):
            log.warning("unreadable invalidation notice", extra={"event": "bad_invalidation"})
            return
        if kind == KEY and isinstance(key, str):
            self._registry.evict_key(key)
        elif kind == DEPLOYMENT and isinstance(key, str):
            if self._registry.serves(key):
                body = await self._redis.hget(self._names.deployments, key)
                self._registry.put_deployment(key, body)
        elif kind == KNOWLEDGE and isinstance(key, str):
            self._registry.knowledge.evict(key)
        elif kind == "all":
            await self._reload_all()
        if isinstance(version, int):
            self._registry.applied(version)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def _bytes(value: bytes | str | None) -> bytes | None:
    return value.encode() if isinstance(value, str) else value
