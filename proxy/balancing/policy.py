"""An API's routing settings as the snapshot carries them (`routing`), read once per deployment.

The control plane validates the same dataclass (via proxy.public), so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

STRATEGIES = ("weighted", "latency", "least_busy", "sticky")
FAILURE_KINDS = ("connect", "timeout", "429", "5xx")


@dataclass(frozen=True, slots=True)
class RoutingPolicy:
    strategy: str = "weighted"  # within a priority group: see STRATEGIES
    sticky_header: str = "x-session-id"  # the header `sticky` hashes
    retry_on: tuple[str, ...] = FAILURE_KINDS  # which failures move on to the next target
    max_attempts: int = 3  # targets tried per call, the first one included
    deadline_seconds: float = 60.0  # for all attempts together, until the answer starts
    attempt_timeout_seconds: float | None = None  # until one target's answer starts
    circuit_failures: int = 5  # consecutive failures that open a target's circuit; 0: never
    circuit_error_rate: float | None = None  # or this share of failures over the window
    circuit_window: int = 20  # the last N calls the error rate is measured on
    suspend_seconds: float = 30.0  # how long an open circuit stays open before one probe
    max_retry_after_seconds: float = 300.0  # longest `retry-after` a target is rested for

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> RoutingPolicy:
        """The policy of `data`; ValueError names the first setting that is not valid."""
        data = dict(data or {})
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown routing setting: {unknown[0]}")
        if "retry_on" in data:
            data["retry_on"] = tuple(data["retry_on"] or ())
        policy = cls(**data)
        policy.check()
        return policy

    def check(self) -> None:
        if self.strategy not in STRATEGIES:
            raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}")
        bad = [kind for kind in self.retry_on if kind not in FAILURE_KINDS]
        if bad:
            raise ValueError(f"retry_on takes {', '.join(FAILURE_KINDS)}, not {bad[0]}")
        if not isinstance(self.max_attempts, int) or not 1 <= self.max_attempts <= 10:
            raise ValueError("max_attempts must be between 1 and 10")
        if not 0 < self.deadline_seconds <= 3600:
            raise ValueError("deadline_seconds must be above 0 and at most 3600")
        if self.attempt_timeout_seconds is not None and self.attempt_timeout_seconds <= 0:
            raise ValueError("attempt_timeout_seconds must be above 0")
        if not isinstance(self.circuit_failures, int) or self.circuit_failures < 0:
            raise ValueError("circuit_failures must be 0 or more")
        rate = self.circuit_error_rate
        if rate is not None and not 0 < rate <= 1:
            raise ValueError("circuit_error_rate must be above 0 and at most 1")
        if not isinstance(self.circuit_window, int) or not 2 <= self.circuit_window <= 1000:
            raise ValueError("circuit_window must be between 2 and 1000")
        if not 0 < self.suspend_seconds <= 3600:
            raise ValueError("suspend_seconds must be above 0 and at most 3600")
        if not self.sticky_header.strip():
            raise ValueError("sticky_header must name a header")

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)} | {
            "retry_on": list(self.retry_on)
        }

    def retries(self, kind: str) -> bool:
        return kind in self.retry_on
