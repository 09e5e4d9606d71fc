"""CPU a pool adds per call, in process: choosing the target, checking its circuit, counting it
in flight and making its driver and request, against one endpoint's driver and request.

    .venv/bin/python bench/pool_choice.py [--calls 200000]

Prints microseconds of CPU per call for each strategy with a pool of 4, and for one endpoint
(the path an API without a pool takes). Bounded: a few seconds. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson  # noqa: E402

from proxy.balancing.circuits import LocalCircuits  # noqa: E402
from proxy.balancing.policy import RoutingPolicy  # noqa: E402
from proxy.balancing.pool import LivePool, LiveTarget, _groups  # noqa: E402
from proxy.balancing.stats import Stats  # noqa: E402
from proxy.balancing.strategies import candidates  # noqa: E402
from proxy.contract import Auth, Endpoint, Vendor  # noqa: E402
from proxy.ingress import open_call_driver  # noqa: E402
from proxy.providers.base import Call  # noqa: E402
from proxy.providers.registry import driver_class  # noqa: E402

VENDOR = Vendor("openai", "OpenAI", "v1", "openai", Auth("header", "Authorization", "Bearer "))
PAYLOAD = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Say hello"}]}


def make_call() -> Call:
    return Call(
        vendor=VENDOR,
        endpoint=Endpoint("https://a.test/v1"),
        credential="sk-a",
        method="POST",
        operation="/chat/completions",
        query="",
        headers={"content-type": "application/json"},
        body=orjson.dumps(PAYLOAD),
        payload=PAYLOAD,
    )


def pool_of_four(strategy: str) -> LivePool:
    factory = driver_class("openai")
    targets = tuple(
        LiveTarget(
            f"t{i}", f"k{i}", Endpoint(f"https://t{i}.test/v1"), "sk", VENDOR, factory, "", i + 1, 0
        )
        for i in range(4)
    )
    return LivePool(RoutingPolicy(strategy=strategy), _groups(targets), targets)


async def per_call_pool(pool: LivePool, calls: int) -> float:
    stats, circuits, call = Stats(), LocalCircuits(), make_call()
    started = time.process_time()
    for i in range(calls):
        target = candidates(pool, stats, f"user-{i % 64}")[0]
        await circuits.admits(target.key)
        counted = stats.of(target.key)
        counted.in_flight += 1
        target.open_driver(call).build_request()
        counted.observe_ttfb(12.5)
        await circuits.succeeded(target.key, pool.policy)
        counted.in_flight -= 1
    return (time.process_time() - started) / calls * 1e6


def per_call_single(calls: int) -> float:
    factory, call = driver_class("openai"), make_call()
    started = time.process_time()
    for _ in range(calls):
        open_call_driver(factory, call).build_request()
    return (time.process_time() - started) / calls * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200_000)
    calls = parser.parse_args().calls
    single = per_call_single(calls)
    print("| path | CPU µs per call | added by the pool |")
    print("| --- | ---: | ---: |")
    print(f"| one endpoint: driver + request | {single:.2f} | — |")
    for strategy in ("weighted", "latency", "least_busy", "sticky"):
        pooled = asyncio.run(per_call_pool(pool_of_four(strategy), calls))
        print(f"| pool of 4, {strategy} | {pooled:.2f} | {pooled - single:.2f} |")


if __name__ == "__main__":
    main()
