"""Cost of the limiter per call: embedded, Redis exact (small limit), Redis leased (big limit).

    .venv/bin/python bench/limits_admit.py            # REDIS_URL or redis://127.0.0.1:6379/2

Prints microseconds per admit+settle and Redis round trips per call. Bounded: a few seconds.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from redis.asyncio import BlockingConnectionPool, Redis  # noqa: E402

from proxy.contract import Limits  # noqa: E402
from proxy.limits import (  # noqa: E402
    CallIdentity,
    Limiter,
    LimiterConfig,
    TokenEstimate,
    Usage,
    estimate_request,
    estimator_for,
)

CALLS = 20_000
CONCURRENCY = 50
PAYLOAD = {
    "model": "gpt-4o-mini",
    "messages": [{"role": "user", "content": "Summarise the plot of Hamlet in three lines. " * 20}],
    "max_tokens": 200,
}


def identity(requests: int, tokens: int) -> CallIdentity:
    plan = Limits(requests=requests, total_tokens=tokens)
    return CallIdentity(1, 7, 3, 11, "production", plan, Limits(requests=requests), None)


async def run_calls(limiter: Limiter, ident: CallIdentity, calls: int) -> tuple[float, float]:
    """(wall µs, CPU µs) per admit+settle, with CONCURRENCY calls in flight."""
    estimate = TokenEstimate(300, 200)
    usage = Usage(290, 120)

    async def worker(count: int) -> None:
        for _ in range(count):
            decision = await limiter.admit(ident, estimate)
            await limiter.settle(decision, usage)

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker(calls // CONCURRENCY) for _ in range(CONCURRENCY)))
    wall = (time.perf_counter() - started) / calls * 1e6
    return wall, (time.process_time() - cpu) / calls * 1e6


def count_trips(limiter: Limiter) -> list[int]:
    trips = [0]
    shared = limiter._counters.primary.inner
    for name in ("acquire", "adjust"):
        original = getattr(shared, name)

        async def counted(items, original=original):
            trips[0] += 1
            return await original(items)

        setattr(shared, name, counted)
    return trips


async def main() -> None:
    estimator = estimator_for(PAYLOAD["model"])
    started = time.perf_counter()
    for _ in range(2000):
        estimate_request(PAYLOAD, estimator)
    micros = (time.perf_counter() - started) / 2000 * 1e6
    print(f"estimate_request (o200k, ~2 KB prompt): {micros:.1f} µs")

    embedded = Limiter.from_config(LimiterConfig())
    wall, cpu = await run_calls(embedded, identity(10**9, 10**12), CALLS)
    print(f"embedded admit+settle: {wall:.1f} µs/call wall, {cpu:.1f} µs CPU")

    url = os.environ.get("TOLLGATE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
    client = Redis.from_pool(BlockingConnectionPool.from_url(url, max_connections=32, timeout=5))
    for label, requests, tokens in (
        ("redis exact (limit 999 rpm, 99k tpm)", 999, 99_000),
        ("redis leased (10M rpm, 10G tpm)", 10_000_000, 10**10),
    ):
        config = LimiterConfig(key_prefix=f"tg:rl:bench:{uuid.uuid4().hex[:8]}")
        limiter = Limiter.from_config(config, client)
        trips = count_trips(limiter)
        calls = 900 if requests < 1000 else CALLS
        wall, cpu = await run_calls(limiter, identity(requests, tokens), calls)
        print(
            f"{label}: {wall:.1f} µs/call wall, {cpu:.1f} µs CPU, "
            f"{trips[0] / calls:.3f} round trips/call"
        )
        keys = [key async for key in client.scan_iter(match=f"{config.key_prefix}:*")]
        if keys:
            await client.delete(*keys)
    await client.aclose()


if __name__ == "__main__":
    asyncio.run(main())
