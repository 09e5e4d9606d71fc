"""req/s of `python -m proxy --workers 1` and `--workers 2`, both on every core.

The two runs are placed alike (proxy, upstream and load generator free to use every core), so
their ratio is what a second process adds on this machine. The load generator and the upstream
take CPU too, so on 2 cores it cannot reach 2×: CPU per call (summed over the workers) shows
whether a process does more work per call when there are two.
"""

from __future__ import annotations

import os
import statistics
import subprocess

from bench.loadgen import CHAT, closed_loop, request_bytes
from bench.processes import start, tree_cpu_seconds, wait_ready

ALL_CORES = f"0-{(os.cpu_count() or 1) - 1}"


def start_workers(count: int, port: int, env: dict[str, str]) -> subprocess.Popen:
    args = ["-m", "proxy", "--port", str(port), "--log-level", "warning", "--workers", str(count)]
    process = start(args, env, ALL_CORES)
    wait_ready(f"http://127.0.0.1:{port}/readyz")
    return process


async def worker_figures(
    ports: dict[int, int], pids: dict[int, int], route: str, key: str, options
) -> dict[str, float]:
    """{"rps1", "rps2", "cpu1", "cpu2"}: medians over alternated runs at 16 connections."""
    raw = request_bytes(f"/{route}/chat/completions", CHAT, key)
    samples: dict[str, list[float]] = {}
    for count in ports:  # warm both
        await closed_loop("warm", ports[count], raw, 16, 1.0, 0.0)
    for _ in range(options.reps):
        for count, port in ports.items():
            before = tree_cpu_seconds(pids[count])
            result = await closed_loop("workers", port, raw, 16, options.duration, 0.0)
            cpu = (tree_cpu_seconds(pids[count]) - before) / result.requests
            samples.setdefault(f"rps{count}", []).append(result.rate)
            samples.setdefault(f"cpu{count}", []).append(cpu)
    return {name: statistics.median(values) for name, values in samples.items()}


def report_workers(figures: dict[str, float]) -> None:
    print("\n`--workers`, no limits, 16 connections, proxy and load on all cores\n")
    print("| | 1 process | 2 processes |")
    print("| --- | ---: | ---: |")
    ratio = figures["rps2"] / figures["rps1"]
    print(f"| req/s | {figures['rps1']:,.0f} | {figures['rps2']:,.0f} ({ratio:.2f}×) |")
    cpu1, cpu2 = figures["cpu1"] * 1e3, figures["cpu2"] * 1e3
    print(f"| proxy CPU per call (all workers) | {cpu1:.3g} ms | {cpu2:.3g} ms |")
