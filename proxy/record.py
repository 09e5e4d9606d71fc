"""What the gateway learns about one call as it goes: the source of its usage event and log."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from proxy.contract import DeploymentSnapshot, KeySnapshot
from proxy.providers.base import Usage


@dataclass(slots=True)
class CallRecord:
    request_id: str
    started: float
    method: str
    path: str
    status: int = 500
    error_code: str = ""
    deployment: DeploymentSnapshot | None = None
    key: KeySnapshot | None = None
    operation: str = ""
    ingress: str = "native"  # what the caller speaks: native | openai | anthropic
    model_requested: str = ""
    usage: Usage = field(default_factory=Usage)
    upstream_ms: float | None = None
    streamed: bool = False
    client_request_id: str = ""  # the caller's own x-request-id, when valid
    stream_cut: str = ""  # why a started stream ended early: upstream_closed | upstream_timeout | …
    quota_exceeded: bool = False
    response_started: bool = False
    response_headers: list[tuple[bytes, bytes]] = field(default_factory=list)  # e.g. limits
    upstream_ttfb_ms: float | None = None  # from sending upstream to its response headers
    span: object | None = None  # the call's trace span, when tracing is on
    downgraded_from: str = ""  # the model asked for, when a spent budget chose a cheaper one
    budget_hold: Any = None  # proxy.costs.budgets.BudgetHold, when budgets apply to the call
