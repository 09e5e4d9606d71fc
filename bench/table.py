"""The bench's one markdown table: each figure with its ratio to the bare relay's."""

from __future__ import annotations

import os

from bench.figures import STREAMS, Target

ROWS = (
    ("cpu", "CPU per call, 16 connections", "ms", 1e3, False),
    ("rps16", "req/s, 16 connections", "", 1, True),
    ("rps64", "req/s, 64 connections", "", 1, True),
    ("p50", "added latency p50 at 200 req/s", "ms", 1, False),
    ("p99", "added latency p99 at 200 req/s", "ms", 1, False),
    *((f"ttfb{n}", f"added TTFB p50, {n} stream{'s' * (n > 1)}", "ms", 1, False) for n in STREAMS),
    ("rss", "RSS once warm", "MB", 1 / 2**20, False),
    ("idle", "memory per idle keep-alive connection, fresh process", "KB", 1 / 2**10, False),
)


def cell(value: float, reference: float, scale: float, unit: str, is_reference: bool) -> str:
    shown = f"{value * scale:,.0f}" if not unit else f"{value * scale:,.3g} {unit}"
    if is_reference or reference == 0:
        return shown
    return f"{shown} ({value / reference:.2f}×)"


def report(targets: list[Target], options) -> None:
    relay = targets[0]
    print(
        f"\nProxy vs bare relay ({os.cpu_count()} cores; one process each on core 0; "
        f"{options.duration:g} s runs; CPU per call: median of {options.reps})\n"
    )
    print("| | " + " | ".join(target.name for target in targets) + " |")
    print("| --- |" + " ---: |" * len(targets))
    for field, label, unit, scale, _ in ROWS:
        cells = [
            cell(t.figures[field], relay.figures[field], scale, unit, t is relay) for t in targets
        ]
        print(f"| {label} | " + " | ".join(cells) + " |")
