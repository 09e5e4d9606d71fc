"""Registry store in Redis: deployments hash + key strings, invalidated over pub/sub.

The listener subscribes first and loads second, so no change published in between is lost;
after any connection loss it forgets every cached key and reloads all deployments. The
registry version applied is the committed version read with the load (one MULTI), then the
version of each announcement applied.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

import orjson
import redis.asyncio as aioredis
from redis.exceptions import RedisError

from proxy.contract import DEPLOYMENT, KEY, RedisNames
from proxy.registry.cache import Registry

log = logging.getLogger("proxy.registry")


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
    return aioredis.Redis(connection_pool=pool)


class RedisRegistryStore:
    def __init__(self, url: str, names: RedisNames, registry: Registry) -> None:
        self._redis = open_redis(url)
        self._names = names
        self._registry = registry
        self._task: asyncio.Task[None] | None = None
        registry.fetch_key = self.fetch_key

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

    async def _listen_forever(self) -> None:
        delay = 0.2
        while True:
            try:
                await self._listen()
            except (RedisError, OSError) as exc:
                log.warning(
                    "registry Redis unreachable; serving the cached registry",
                    extra={"event": "registry_redis_down", "error": type(exc).__name__},
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def _listen(self) -> None:
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self._names.invalidations)
            await self._reload_all()
            self._registry.ready = True
            log.info(
                "registry loaded",
                extra={"event": "registry_loaded", "deployments": self._registry.deployment_count},
            )
            async for message in pubsub.listen():
                if message.get("type") == "message":
                    await self._apply(message["data"])
        finally:
            with contextlib.suppress(RedisError, OSError):
                await pubsub.aclose()

    async def _reload_all(self) -> None:
        self._registry.evict_all_keys()
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.get(self._names.committed)
            pipe.hgetall(self._names.deployments)
            committed, entries = await pipe.execute()
        by_key = {_text(field): body for field, body in entries.items()}
        self._registry.replace_deployments(
            {key: body for key, body in by_key.items() if self._registry.serves(key)}
        )
        self._registry.applied(int(committed or 0))

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
        elif kind == "all":
            await self._reload_all()
        if isinstance(version, int):
            self._registry.applied(version)


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
