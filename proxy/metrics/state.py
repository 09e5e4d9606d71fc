"""Gauges of the process's state (registry, usage buffer), refreshed every few seconds and
just before a scrape: with several processes, each one's values must be fresh in the shared
directory whichever process answers the scrape."""

from __future__ import annotations

from proxy.metrics.families import Families
from proxy.registry import Registry
from proxy.usage import UsageSink

MICROSECONDS = 1_000_000


class StateMetrics:
    def __init__(self, families: Families, registry: Registry, sink: UsageSink) -> None:
        self._families = families
        self._registry = registry
        self._sink = sink
        self._dropped_seen = 0

    def update(self) -> None:
        families, registry, sink = self._families, self._registry, self._sink
        families.registry_version.set(registry.version)
        families.registry_change.set(registry.version / MICROSECONDS)
        families.registry_generation.set(generation_seconds(registry.generation))
        families.registry_stale.set(1 if registry.stale else 0)
        families.deployments.set(registry.deployment_count)
        families.usage_buffered.set(sink.buffered)
        dropped = sink.dropped
        if dropped > self._dropped_seen:
            families.usage_dropped.inc(dropped - self._dropped_seen)
            self._dropped_seen = dropped


def generation_seconds(token: bytes | None) -> float:
    """The control plane's generation tokens start with the microsecond clock of their
    republish ("<clock>-<random>"); other tokens (the embedded mode's) count as 0."""
    head = (token or b"").split(b"-", 1)[0]
    return int(head) / MICROSECONDS if head.isdigit() else 0.0
