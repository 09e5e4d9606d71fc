"""Circuits shared by every proxy replica through Redis (the production shape).

The hot path reads only the local mirror; Redis is written when an attempt fails, when a
target that had failures answers, and to claim the one probe of a half-open circuit. A sync
task copies the shared state (open circuits and failure counts) into the mirror several times
a second, so a circuit one replica opened stops the others sending within that interval.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from redis.asyncio import Redis
from redis.exceptions import RedisError

from proxy.balancing.circuits import Circuit, LocalCircuits, _remember, _trips
from proxy.balancing.policy import RoutingPolicy
from proxy.contract import RedisNames

log = logging.getLogger("proxy.balancing")
SYNC_INTERVAL = 0.25  # seconds
PROBE_TTL_MS = 30_000  # a probe whose replica died frees the slot for another after this


class RedisCircuits(LocalCircuits):
    def __init__(self, redis: Redis, names: RedisNames) -> None:
        super().__init__()
        self._redis = redis
        self._open_hash = names.circuits_open
        self._fails_hash = names.circuit_failures
        self._probe_prefix = names.circuit_probe("")
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._task = asyncio.create_task(self._sync_forever())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._redis.aclose()

    async def _sync_forever(self) -> None:
        while True:
            try:
                await self.sync()
            except RedisError as exc:
                log.warning(
                    "circuit sync failed", extra={"event": "circuit_sync_failed", "error": str(exc)}
                )
            await asyncio.sleep(SYNC_INTERVAL)

    async def sync(self) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.hgetall(self._open_hash)
            pipe.hgetall(self._fails_hash)
            opened, fails = await pipe.execute()
        opened = {k.decode(): float(v) for k, v in opened.items()}
        fails = {k.decode(): int(v) for k, v in fails.items()}
        for key in set(opened) | set(fails) | set(self._circuits):
            circuit = self._of(key)
            until = opened.get(key, 0.0)
            if until != circuit.open_until:
                circuit.open_until, circuit.probing = until, False
            circuit.failures = fails.get(key, 0)

    async def _claim_probe(self, key: str) -> bool:
        try:
            return bool(
                await self._redis.set(self._probe_prefix + key, 1, nx=True, px=PROBE_TTL_MS)
            )
        except RedisError:
            return True

    async def succeeded(self, key: str, policy: RoutingPolicy) -> None:
        circuit = self._circuits.get(key)
        if circuit is None:
            return
        had_trouble = circuit.failures or circuit.open_until
        await super().succeeded(key, policy)
        if had_trouble:
            with contextlib.suppress(RedisError):
                async with self._redis.pipeline(transaction=False) as pipe:
                    pipe.hdel(self._fails_hash, key)
                    pipe.hdel(self._open_hash, key)
                    pipe.delete(self._probe_prefix + key)
                    await pipe.execute()

    async def failed(self, key: str, policy: RoutingPolicy, rest_seconds: float = 0.0) -> None:
        circuit = self._of(key)
        try:
            circuit.failures = int(await self._redis.hincrby(self._fails_hash, key, 1))
        except RedisError:
            circuit.failures += 1
        _remember(circuit, True, policy)
        if circuit.probing or _trips(circuit, policy):
            await self._open(key, circuit, policy.suspend_seconds)
        elif rest_seconds > 0:
            await self._open(key, circuit, rest_seconds)

    async def _open(self, key: str, circuit: Circuit, seconds: float) -> None:
        await super()._open(key, circuit, seconds)
        circuit.failures = 0
        with contextlib.suppress(RedisError):
            async with self._redis.pipeline(transaction=False) as pipe:
                pipe.hset(self._open_hash, key, repr(circuit.open_until))
                pipe.hdel(self._fails_hash, key)
                pipe.delete(self._probe_prefix + key)
                await pipe.execute()
