"""One proxy-like OS process for test_multiprocess: admits calls on shared Redis counters.

Run as a script; prints one JSON line with what it admitted and settled.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time

from redis.asyncio import BlockingConnectionPool, Redis

from proxy.contract import Limits
from proxy.limits import (
    CallIdentity,
    Limiter,
    LimiterConfig,
    Usage,
    estimate_request,
    estimator_for,
)

PATIENT = 60.0  # seconds: waiting for a pooled connection, and one round trip
PAYLOAD = {
    "model": "gpt-4o-mini",
    "messages": [{"role": "user", "content": "Write a haiku about rate limits."}],
    "max_tokens": 300,
}


def _identity(plan: Limits) -> CallIdentity:
    return CallIdentity(1, 7, 3, 11, "production", plan_limits=plan)


async def requests_scenario(limiter: Limiter, attempts: int) -> dict:
    ident = _identity(Limits(requests=60, unit_seconds=60))
    decisions = await asyncio.gather(*(limiter.admit(ident, None) for _ in range(attempts)))
    return {
        "admitted": sum(d.admitted for d in decisions),
        "codes": sorted({d.code for d in decisions if d.code}),
        "retry_after": sorted({d.retry_after for d in decisions if d.retry_after}),
        "remaining": sorted(
            int(dict(d.headers())["x-ratelimit-remaining-requests"])
            for d in decisions
            if d.admitted
        ),
    }


async def tokens_scenario(limiter: Limiter, attempts: int, seed: int) -> dict:
    ident = _identity(Limits(total_tokens=1000, unit_seconds=60))
    estimate = estimate_request(PAYLOAD, estimator_for(PAYLOAD["model"]))
    rng = random.Random(seed)
    settled: list[int] = []

    async def client(calls: int) -> None:
        for _ in range(calls):
            decision = await limiter.admit(ident, estimate)
            if not decision.admitted:
                await asyncio.sleep(0.01)  # a client backing off before it tries again
                continue
            await asyncio.sleep(rng.uniform(0, 0.02))
            # the provider counts a few prompt tokens more than the estimate, on purpose
            usage = Usage(estimate.prompt + rng.randint(0, 3), rng.randint(0, 150))
            settled.append(usage.total)
            await limiter.settle(decision, usage)

    await asyncio.gather(*(client(attempts // 20) for _ in range(20)))
    reservation = estimate.prompt + (estimate.completion or 0)
    return {"admitted": len(settled), "settled": sum(settled), "reservation": reservation}


async def main(args: argparse.Namespace) -> dict:
    # Patient on purpose: a slow machine must not pass for a Redis outage (that would switch
    # to per-process shares by design, which test_failover covers, not this exactness test).
    pool = BlockingConnectionPool.from_url(args.redis, max_connections=16, timeout=PATIENT)
    client = Redis.from_pool(pool)
    config = LimiterConfig(
        key_prefix=args.prefix, expected_replicas=3, redis_timeout_seconds=PATIENT
    )
    limiter = Limiter.from_config(config, client, clock=lambda: args.now)
    await client.ping()  # connect before the start line, like a warmed-up proxy
    await asyncio.sleep(max(0.0, args.start_at - time.time()))
    if args.scenario == "requests":
        result = await requests_scenario(limiter, args.attempts)
    else:
        result = await tokens_scenario(limiter, args.attempts, args.seed)
    await client.aclose()
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--redis", required=True)
    parser.add_argument("--prefix", required=True)
    parser.add_argument("--scenario", choices=["requests", "tokens"], required=True)
    parser.add_argument("--attempts", type=int, required=True)
    parser.add_argument("--start-at", type=float, required=True)
    parser.add_argument("--now", type=float, required=True)
    parser.add_argument("--seed", type=int, default=0)
    print(json.dumps(asyncio.run(main(parser.parse_args()))))
