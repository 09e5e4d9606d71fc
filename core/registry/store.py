"""Where snapshots go: Redis with invalidation messages, or the embedded database table."""

from __future__ import annotations

import time
from functools import cache
from typing import Protocol, cast

import orjson
import redis
from django.conf import settings
from django.db import transaction

from core.models import RegistryCounter, RegistryEntry
from proxy.public import DEPLOYMENT, INVALIDATION_CHANNEL, KEY, REDIS_PREFIX

VERSION_KEY = f"{REDIS_PREFIX}:version"
DEPLOYMENT_HASH = f"{REDIS_PREFIX}:{DEPLOYMENT}"


def key_redis_name(digest: str) -> str:
    return f"{REDIS_PREFIX}:{KEY}:{digest}"


class RegistryStore(Protocol):
    def next_version(self) -> int: ...

    def put(self, kind: str, key: str, body: bytes, version: int) -> None: ...

    def delete(self, kind: str, key: str, version: int) -> None: ...

    def replace_all(self, entries: dict[tuple[str, str], bytes], version: int) -> None: ...

    def get(self, kind: str, key: str) -> bytes | None: ...

    def items(self, kind: str) -> dict[str, bytes]: ...

    def current_version(self) -> int: ...


class RedisStore:
    def __init__(self, client: redis.Redis) -> None:
        self.redis = client

    def next_version(self) -> int:
        return int(self.redis.incr(VERSION_KEY))

    def _notify(self, kind: str, key: str, version: int) -> None:
        message = orjson.dumps({"kind": kind, "key": key, "version": version})
        self.redis.publish(INVALIDATION_CHANNEL, message)

    def put(self, kind: str, key: str, body: bytes, version: int) -> None:
        if kind == DEPLOYMENT:
            self.redis.hset(DEPLOYMENT_HASH, key, body)
        else:
            self.redis.set(key_redis_name(key), body)
        self._notify(kind, key, version)

    def delete(self, kind: str, key: str, version: int) -> None:
        if kind == DEPLOYMENT:
            self.redis.hdel(DEPLOYMENT_HASH, key)
        else:
            self.redis.delete(key_redis_name(key))
        self._notify(kind, key, version)

    def replace_all(self, entries: dict[tuple[str, str], bytes], version: int) -> None:
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(DEPLOYMENT_HASH)
        for name in self.redis.scan_iter(match=key_redis_name("*"), count=1000):
            pipe.delete(name)
        for (kind, key), body in entries.items():
            if kind == DEPLOYMENT:
                pipe.hset(DEPLOYMENT_HASH, key, body)
            else:
                pipe.set(key_redis_name(key), body)
        pipe.execute()
        self.redis.publish(INVALIDATION_CHANNEL, orjson.dumps({"kind": "all", "version": version}))

    # The client answers bytes (no decode_responses); redis-py's types also allow str.
    def get(self, kind: str, key: str) -> bytes | None:
        if kind == DEPLOYMENT:
            return cast("bytes | None", self.redis.hget(DEPLOYMENT_HASH, key))
        return cast("bytes | None", self.redis.get(key_redis_name(key)))

    def items(self, kind: str) -> dict[str, bytes]:
        if kind == DEPLOYMENT:
            entries = cast("dict[bytes, bytes]", self.redis.hgetall(DEPLOYMENT_HASH))
            return {k.decode(): v for k, v in entries.items()}
        names = cast(
            "list[bytes]", list(self.redis.scan_iter(match=key_redis_name("*"), count=1000))
        )
        bodies = cast("list[bytes | None]", self.redis.mget(names) if names else [])
        start = len(key_redis_name(""))
        return {n.decode()[start:]: b for n, b in zip(names, bodies, strict=True) if b}

    def current_version(self) -> int:
        return int(self.redis.get(VERSION_KEY) or 0)


class DatabaseStore:
    """The embedded store: the proxy polls this table for versions it has not seen."""

    def next_version(self) -> int:
        # Microsecond clock, never below the last one: versions keep growing even if the
        # table is emptied, so a running proxy never mistakes new entries for old ones.
        with transaction.atomic():
            counter, _ = RegistryCounter.objects.select_for_update().get_or_create(pk=1)
            counter.value = max(counter.value + 1, time.time_ns() // 1000)
            counter.save(update_fields=["value"])
            return counter.value

    def put(self, kind: str, key: str, body: bytes, version: int) -> None:
        RegistryEntry.objects.update_or_create(
            kind=kind, key=key, defaults={"body": body.decode(), "version": version}
        )

    def delete(self, kind: str, key: str, version: int) -> None:
        RegistryEntry.objects.filter(kind=kind, key=key).update(body="", version=version)

    @transaction.atomic
    def replace_all(self, entries: dict[tuple[str, str], bytes], version: int) -> None:
        RegistryEntry.objects.exclude(body="").update(body="", version=version)
        for (kind, key), body in entries.items():
            self.put(kind, key, body, version)

    def get(self, kind: str, key: str) -> bytes | None:
        entry = RegistryEntry.objects.filter(kind=kind, key=key).exclude(body="").first()
        return entry.body.encode() if entry else None

    def items(self, kind: str) -> dict[str, bytes]:
        live = RegistryEntry.objects.filter(kind=kind).exclude(body="")
        return {key: body.encode() for key, body in live.values_list("key", "body")}

    def current_version(self) -> int:
        counter = RegistryCounter.objects.filter(pk=1).first()
        return counter.value if counter else 0


@cache
def get_store() -> RegistryStore:
    if settings.REDIS_URL:
        return RedisStore(redis.Redis.from_url(settings.REDIS_URL))
    return DatabaseStore()
