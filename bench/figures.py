"""What the bench measures on each target: CPU per call, req/s, latency, time to first byte."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from bench.loadgen import CHAT, STREAM, closed_loop, open_loop, request_bytes
from bench.processes import cpu_seconds, rss_bytes


@dataclass
class Target:
    """One relay under test: the bare relay, or the proxy called with one of the two keys."""

    name: str
    port: int
    pid: int
    key: str
    figures: dict[str, float]

    def call(self, route: str, body: bytes) -> bytes:
        return request_bytes(f"/{route}/chat/completions", body, self.key)


STREAMS = (1, 16, 256)


async def cpu_per_call(target: Target, route: str, seconds: float) -> float:
    """The target process's user+sys CPU over a 16-connection closed loop, per call."""
    before = cpu_seconds(target.pid)
    result = await closed_loop("cpu", target.port, target.call(route, CHAT), 16, seconds, 0.0)
    return (cpu_seconds(target.pid) - before) / result.requests


async def load_figures(target: Target, route: str, seconds: float, direct: dict) -> None:
    raw, stream = target.call(route, CHAT), target.call(route, STREAM)
    for conns in (16, 64):
        result = await closed_loop(target.name, target.port, raw, conns, seconds)
        target.figures[f"rps{conns}"] = result.rate
    paced = await open_loop(target.name, target.port, raw, 200, seconds)
    target.figures["p50"] = paced.pct(0.5) - direct["p50"]
    target.figures["p99"] = paced.pct(0.99) - direct["p99"]
    for streams in STREAMS:
        result = await closed_loop(target.name, target.port, stream, streams, seconds)
        first = result.pct(0.5, result.first_bytes) - direct[f"ttfb{streams}"]
        target.figures[f"ttfb{streams}"] = first


async def direct_figures(upstream: int, seconds: float) -> dict[str, float]:
    direct = request_bytes("/v1/chat/completions", CHAT, None)
    paced = await open_loop("direct", upstream, direct, 200, seconds)
    figures = {"p50": paced.pct(0.5), "p99": paced.pct(0.99)}
    stream = request_bytes("/v1/chat/completions", STREAM, None)
    for streams in STREAMS:
        result = await closed_loop("direct", upstream, stream, streams, seconds)
        figures[f"ttfb{streams}"] = result.pct(0.5, result.first_bytes)
    return figures


async def measure(targets: list[Target], upstream: int, route: str, options) -> None:
    for target in targets:  # warm every path (connections, caches, vocabularies) first
        await closed_loop("warm", target.port, target.call(route, CHAT), 16, 1.0, 0.0)
        target.figures["rss"] = rss_bytes(target.pid)  # the proxy's before any limited call
    samples: dict[str, list[float]] = {target.name: [] for target in targets}
    for _ in range(options.reps):  # alternated, so a noisy neighbour hits all alike
        for target in targets:
            samples[target.name].append(await cpu_per_call(target, route, options.duration))
    for target in targets:
        target.figures["cpu"] = statistics.median(samples[target.name])
    direct = await direct_figures(upstream, options.duration)
    for target in targets:
        await load_figures(target, route, options.duration, direct)
