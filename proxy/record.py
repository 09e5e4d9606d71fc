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
    target: str = ""  # the pool target that answered (or was tried last); "" without a pool
    attempts: int = 0  # targets tried; 0 when the API has no pool (one attempt)
    failovers: str = ""  # "target:reason,…" for each attempt that moved on
    knowledge: str = ""  # the retrieval's sources as JSON, for APIs that attach collections
    knowledge_rewrite_tokens: int = 0
    policy_actions: tuple[tuple[str, str], ...] = ()  # (policy, blocked|reported|masked|…)
    downgraded_from: str = ""  # the model asked for, when a spent budget chose a cheaper one
    budget_hold: Any = None  # proxy.costs.budgets.BudgetHold, when budgets apply to the call
