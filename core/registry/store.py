"""Where snapshots go: Redis with invalidation messages, or the embedded database table.

A writer takes a version (`next_version`) and writes with it in the same transaction, so
entries appear in version order. `current_version()` is the highest version written: a proxy
that reports it on /readyz serves every change up to it. Versions come from a microsecond
clock and never fall below the last one, so they keep growing even after the store is lost.

`put` and `delete` take an optional `expect`: the entry as `entries()` read it earlier. The
write then happens only if nothing changed the entry since, so a reconcile never overwrites
what a publish wrote meanwhile.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Protocol, cast

import orjson
import redis
from django.conf import settings
from django.db import transaction
from django.db.models import Max

from core.models import RegistryCounter, RegistryEntry
from proxy.public import DEPLOYMENT, KEY, KNOWLEDGE, RedisNames

EntryName = tuple[str, str]  # (kind, key)


@dataclass(frozen=True, slots=True)
class Stored:
    """An entry as read: its body (empty when absent or deleted) and what a later
    conditional write compares (the embedded row's version, or the Redis value itself)."""

    body: bytes
    token: object = None


ABSENT = Stored(b"")
EMBEDDED_GENERATION = b"database"


class RegistryStore(Protocol):
    def next_version(self) -> int: ...

    def put(
        self, kind: str, key: str, body: bytes, version: int, *, expect: Stored | None = None
    ) -> bool: ...

    def delete(
        self, kind: str, key: str, version: int, *, expect: Stored | None = None
    ) -> bool: ...

    def entries(self) -> dict[EntryName, Stored]: ...

    def get(self, kind: str, key: str) -> bytes | None: ...

    def items(self, kind: str) -> dict[str, bytes]: ...

    def current_version(self) -> int: ...

    def generation(self) -> bytes | None: ...

    def start_generation(self) -> bytes: ...


def clock_version() -> int:
    return time.time_ns() // 1000


# Write (or delete, when the body is empty) one entry, raise the committed version and
# announce the change, atomically; with a check, only if the entry still holds `expected`.
WRITE_LUA = """
local field, body, version = ARGV[1], ARGV[2], tonumber(ARGV[3])
local current
if field == '' then current = redis.call('GET', KEYS[1])
else current = redis.call('HGET', KEYS[1], field) end
if ARGV[6] == '1' and (current or '') ~= ARGV[7] then return 0 end
if body == '' then
  if field == '' then redis.call('DEL', KEYS[1]) else redis.call('HDEL', KEYS[1], field) end
elseif field == '' then redis.call('SET', KEYS[1], body)
else redis.call('HSET', KEYS[1], field, body) end
if version > tonumber(redis.call('GET', KEYS[2]) or '0') then
  redis.call('SET', KEYS[2], version)
end
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
"""
NEXT_VERSION_LUA = """
local version = redis.call('INCR', KEYS[1])
if version < tonumber(ARGV[1]) then
  version = tonumber(ARGV[1])
  redis.call('SET', KEYS[1], version)
end
return version
"""


class RedisStore:
    def __init__(self, client: redis.Redis, names: RedisNames) -> None:
        self.redis = client
        self.names = names
        self._write = client.register_script(WRITE_LUA)
        self._next_version = client.register_script(NEXT_VERSION_LUA)

    def next_version(self) -> int:
        return int(self._next_version(keys=[self.names.version], args=[clock_version()]))

    def _place(self, kind: str, key: str) -> tuple[str, str]:
        """The Redis key holding an entry, and its hash field ('' for a plain string)."""
        if kind == DEPLOYMENT:
            return self.names.deployments, key
        if kind == KNOWLEDGE:
            return self.names.knowledge(key), ""
        return self.names.key(key), ""

    def _write_entry(
        self, kind: str, key: str, body: bytes, version: int, expect: Stored | None
    ) -> bool:
        name, field = self._place(kind, key)
        notice = orjson.dumps({"kind": kind, "key": key, "version": version})
        check: tuple[str, bytes] = ("1", expect.body) if expect is not None else ("0", b"")
        args: list[bytes | str | int] = [field, body, version, self.names.invalidations, notice]
        args.extend(check)
        return bool(self._write(keys=[name, self.names.committed], args=args))

    def put(
        self, kind: str, key: str, body: bytes, version: int, *, expect: Stored | None = None
    ) -> bool:
        return self._write_entry(kind, key, body, version, expect)

    def delete(self, kind: str, key: str, version: int, *, expect: Stored | None = None) -> bool:
        return self._write_entry(kind, key, b"", version, expect)

    def entries(self) -> dict[EntryName, Stored]:
        found = {(DEPLOYMENT, name): body for name, body in self.items(DEPLOYMENT).items()}
        found.update({(KEY, name): body for name, body in self.items(KEY).items()})
        return {name: Stored(body, body) for name, body in found.items()}

    # The client answers bytes (no decode_responses); redis-py's types also allow str.
    def get(self, kind: str, key: str) -> bytes | None:
        if kind == DEPLOYMENT:
            return cast("bytes | None", self.redis.hget(self.names.deployments, key))
        name, _ = self._place(kind, key)
        return cast("bytes | None", self.redis.get(name))

    def items(self, kind: str) -> dict[str, bytes]:
        if kind == DEPLOYMENT:
            entries = cast("dict[bytes, bytes]", self.redis.hgetall(self.names.deployments))
            return {k.decode(): v for k, v in entries.items()}
        pattern = self.names.key("*")
        names = cast("list[bytes]", list(self.redis.scan_iter(match=pattern, count=1000)))
        bodies = cast("list[bytes | None]", self.redis.mget(names) if names else [])
        start = len(self.names.key(""))
        return {n.decode()[start:]: b for n, b in zip(names, bodies, strict=True) if b}

    def current_version(self) -> int:
        return int(self.redis.get(self.names.committed) or 0)

    def generation(self) -> bytes | None:
        """The token set after the last complete publish; None once Redis lost its data."""
        return cast("bytes | None", self.redis.get(self.names.generation))

    def start_generation(self) -> bytes:
        """Mark everything as published (call after a complete rebuild) and tell every proxy
        to load it all, replacing whatever it kept while Redis was behind."""
        token = f"{clock_version()}-{uuid.uuid4().hex[:8]}".encode()
        notice = orjson.dumps({"kind": "all", "key": "", "version": self.current_version()})
        with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self.names.generation, token)
            pipe.publish(self.names.invalidations, notice)
            pipe.execute()
        return token


class DatabaseStore:
    """The embedded store: the proxy polls this table for versions it has not seen."""

    def next_version(self) -> int:
        # The counter row stays locked until the caller's transaction ends, so versions are
        # written in the order they are handed out.
        with transaction.atomic():
            counter, _ = RegistryCounter.objects.select_for_update().get_or_create(pk=1)
            counter.value = max(counter.value + 1, clock_version())
            counter.save(update_fields=["value"])
            return counter.value

    def _unchanged(self, kind: str, key: str, expect: Stored | None) -> bool:
        if expect is None:
            return True
        row = RegistryEntry.objects.filter(kind=kind, key=key).values_list("version", flat=True)
        return row.first() == expect.token

    def put(
        self, kind: str, key: str, body: bytes, version: int, *, expect: Stored | None = None
    ) -> bool:
        if not self._unchanged(kind, key, expect):
            return False
        RegistryEntry.objects.update_or_create(
            kind=kind, key=key, defaults={"body": body.decode(), "version": version}
        )
        return True

    def delete(self, kind: str, key: str, version: int, *, expect: Stored | None = None) -> bool:
        if not self._unchanged(kind, key, expect):
            return False
        RegistryEntry.objects.filter(kind=kind, key=key).update(body="", version=version)
        return True

    def entries(self) -> dict[EntryName, Stored]:
        """Every row, deleted ones included (their version guards a later conditional write);
        knowledge indexes are republished by their own reconcile."""
        rows = RegistryEntry.objects.filter(kind__in=(DEPLOYMENT, KEY)).values_list(
            "kind", "key", "body", "version"
        )
        return {(kind, key): Stored(body.encode(), version) for kind, key, body, version in rows}

    def get(self, kind: str, key: str) -> bytes | None:
        entry = RegistryEntry.objects.filter(kind=kind, key=key).exclude(body="").first()
        return entry.body.encode() if entry else None

    def items(self, kind: str) -> dict[str, bytes]:
        live = RegistryEntry.objects.filter(kind=kind).exclude(body="")
        return {key: body.encode() for key, body in live.values_list("key", "body")}

    def current_version(self) -> int:
        return RegistryEntry.objects.aggregate(top=Max("version"))["top"] or 0

    def generation(self) -> bytes | None:
        return EMBEDDED_GENERATION  # the table is the database itself: it cannot be lost alone

    def start_generation(self) -> bytes:
        return EMBEDDED_GENERATION


@cache
def get_store() -> RegistryStore:
    if settings.REDIS_URL:
        # Bounded waits (REDIS_CONNECT_TIMEOUT, REDIS_SOCKET_TIMEOUT): a web request publishing
        # while Redis hangs fails and leaves its change in the outbox instead of hanging.
        client = redis.Redis.from_url(settings.REDIS_URL, **settings.REDIS_CLIENT_OPTIONS)
        return RedisStore(client, RedisNames(settings.TOLLGATE_REDIS_PREFIX))
    return DatabaseStore()
