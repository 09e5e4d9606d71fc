"""What a process measures of each target: calls in flight and time to first byte."""

from __future__ import annotations

from dataclasses import dataclass

SMOOTHING = 0.2  # weight of the newest sample in the moving average


@dataclass(slots=True)
class TargetStats:
    in_flight: int = 0
    ttfb_ms: float = 0.0  # exponentially weighted moving average; 0 until measured
    samples: int = 0

    def observe_ttfb(self, ms: float) -> None:
        self.samples += 1
        self.ttfb_ms = ms if self.samples == 1 else self.ttfb_ms + SMOOTHING * (ms - self.ttfb_ms)


class Stats:
    """Per process, by target key: outlives the deployments that name the targets."""

    def __init__(self) -> None:
        self._by_key: dict[str, TargetStats] = {}

    def of(self, key: str) -> TargetStats:
        stats = self._by_key.get(key)
        if stats is None:
            stats = self._by_key[key] = TargetStats()
        return stats
