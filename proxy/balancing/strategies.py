"""The order in which a call tries a pool's targets: priority groups, lowest first; within a
group the strategy's choice first, then the rest of the group as configured."""

from __future__ import annotations

import math
from collections.abc import Callable
from hashlib import blake2b

from proxy.balancing.pool import LivePool, LiveTarget
from proxy.balancing.stats import Stats

Chooser = Callable[[tuple[LiveTarget, ...], Stats, str], LiveTarget]


def weighted(group: tuple[LiveTarget, ...], stats: Stats, sticky: str) -> LiveTarget:
    """Smooth weighted round robin (nginx's): exact shares, evenly interleaved."""
    total = 0
    best = group[0]
    for target in group:
        target.current += target.weight
        total += target.weight
        if target.current > best.current:
            best = target
    best.current -= total
    return best


def latency(group: tuple[LiveTarget, ...], stats: Stats, sticky: str) -> LiveTarget:
    """The lowest moving average of time to first byte; a target not measured yet goes first."""
    return min(group, key=lambda t: stats.of(t.key).ttfb_ms)


def least_busy(group: tuple[LiveTarget, ...], stats: Stats, sticky: str) -> LiveTarget:
    """The fewest calls in flight on this process, relative to the target's weight."""
    return min(group, key=lambda t: stats.of(t.key).in_flight / t.weight)


def sticky(group: tuple[LiveTarget, ...], stats: Stats, sticky_value: str) -> LiveTarget:
    """Weighted rendezvous hashing of the sticky header: the same value keeps its target, and a
    target leaving moves only the values that were on it."""
    if not sticky_value:
        return weighted(group, stats, sticky_value)
    return max(group, key=lambda t: _score(sticky_value, t))


def _score(value: str, target: LiveTarget) -> float:
    digest = blake2b(f"{value}\0{target.name}".encode(), digest_size=8).digest()
    unit = (int.from_bytes(digest, "big") + 1) / 2.0**64  # in (0, 1]
    return -target.weight / math.log(unit) if unit < 1.0 else math.inf


CHOOSERS: dict[str, Chooser] = {
    "weighted": weighted,
    "latency": latency,
    "least_busy": least_busy,
    "sticky": sticky,
}


def candidates(pool: LivePool, stats: Stats, sticky_value: str) -> list[LiveTarget]:
    choose = CHOOSERS[pool.policy.strategy]
    order: list[LiveTarget] = []
    for group in pool.groups:
        if len(group) == 1:
            order.append(group[0])
            continue
        first = choose(group, stats, sticky_value)
        order.append(first)
        order.extend(t for t in group if t is not first)
    return order
