"""The one interface every policy type implements, and what a policy sees of a call.

A policy is built once per deployment snapshot from its spec (`build(spec)` in the type's
module) and runs per call:

- on the request flow, `on_request(call)` may read and change `call.payload` (the caller's
  JSON, in the caller's format), refuse the call by raising `GatewayError`, or note what it did
  in `call.actions`;
- on the response flow, a guardrail's `violation(text)` says whether the answer's text breaks
  it (None when it does not); proxy/policies/response.py feeds it whole answers and stream
  windows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import orjson

from proxy.errors import GUARDRAIL_BLOCKED, GatewayError

REQUEST = "request"
RESPONSE = "response"
FLOWS = (REQUEST, RESPONSE)
BLOCK = "block"
REPORT = "report"
FieldErrors = dict[str, list[str]]


@dataclass(frozen=True, slots=True)
class PolicySpec:
    """One attached policy as the snapshot carries it."""

    kind: str
    flow: str = REQUEST
    operation: str = ""  # "" applies to every operation of the API
    name: str = ""
    parameters: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.name or self.kind


@dataclass(slots=True)
class PolicyCall:
    """A call's request as the policies see it; `changed` tells the gateway to re-encode it."""

    payload: dict[str, Any]
    ingress: str
    operation: str
    changed: bool = False
    restore: dict[str, str] = field(default_factory=dict)  # placeholder -> original value
    actions: list[tuple[str, str]] = field(default_factory=list)  # (policy label, action)


class RequestPolicy(Protocol):
    label: str

    def on_request(self, call: PolicyCall) -> None: ...


class ResponseGuard(Protocol):
    label: str
    mode: str  # block | report
    whole_answer_only: bool  # True: judged on the complete answer, never on a stream window

    def violation(self, text: str) -> str | None: ...


def policy_actions_json(actions: tuple[tuple[str, str], ...]) -> str:
    """The usage row's record of what policies did ("" when none acted: the common case)."""
    return orjson.dumps(actions).decode() if actions else ""


def blocked(label: str, flow: str) -> GatewayError:
    """The refusal every guardrail raises: names the guardrail, never what matched."""
    what = "request" if flow == REQUEST else "answer"
    return GatewayError(
        GUARDRAIL_BLOCKED, f"The {what} was refused by the guardrail '{label}'.", param=label
    )
