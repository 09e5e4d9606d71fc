"""What every guardrail shares: block or report-only, the JSONPath of what it inspects, and the
check of its common parameters. A guardrail type supplies one judgement, `text -> bool` (True:
the text breaks the rule)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from proxy.policies.base import BLOCK, REPORT, REQUEST, FieldErrors, PolicyCall, PolicySpec, blocked
from proxy.policies.text import compile_path, request_slots

if TYPE_CHECKING:
    from jsonpath_ng import JSONPath

COMMON = frozenset({"mode", "json_path"})
Judge = Callable[[str], bool]


class TextGuard:
    """A guardrail on the joined text of a request or an answer."""

    __slots__ = ("label", "mode", "flow", "path", "judge", "whole_answer_only")

    def __init__(self, spec: PolicySpec, judge: Judge, *, whole_answer_only: bool = False):
        self.label = spec.label
        self.mode = spec.parameters.get("mode", BLOCK)
        self.flow = spec.flow
        expression = spec.parameters.get("json_path")
        self.path: JSONPath | None = compile_path(expression) if expression else None
        self.judge = judge
        self.whole_answer_only = whole_answer_only

    def on_request(self, call: PolicyCall) -> None:
        texts = [slot.value for slot in request_slots(call.payload, self.path)]
        if self.judge("\n".join(texts)):
            trip(call, self.label, self.mode)

    def violation(self, text: str) -> str | None:
        return self.label if self.judge(text) else None


def trip(call: PolicyCall, label: str, mode: str) -> None:
    """A request broke a guardrail: refuse it, or only note it (report-only mode)."""
    if mode == REPORT:
        call.actions.append((label, "reported"))
        return
    call.actions.append((label, "blocked"))
    raise blocked(label, REQUEST)


def check_common(params: dict[str, Any], own: Iterable[str]) -> FieldErrors:
    errors: FieldErrors = {}
    unknown = sorted(set(params) - COMMON - set(own))
    if unknown:
        errors["parameters"] = [f"Unknown parameter {name!r}." for name in unknown]
    if params.get("mode", BLOCK) not in (BLOCK, REPORT):
        errors["mode"] = ["Expected 'block' or 'report'."]
    expression = params.get("json_path")
    if expression is not None:
        if not isinstance(expression, str) or not expression.strip():
            errors["json_path"] = ["Expected a JSONPath such as $.messages[*].content."]
        else:
            try:
                compile_path(expression)
            except ValueError as exc:
                errors["json_path"] = [str(exc)]
    return errors


def check_bounds(params: dict[str, Any], errors: FieldErrors) -> tuple[int, int | None]:
    """`min` and `max` (non-negative integers, at least one of them, min ≤ max)."""
    low, high = params.get("min"), params.get("max")
    for name, value in (("min", low), ("max", high)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            errors[name] = ["Expected a whole number."]
        elif value is not None and value < 0:
            errors[name] = ["Must not be negative."]
    if low is None and high is None:
        errors["max"] = ["Set a minimum, a maximum or both."]
    elif not errors and low is not None and high is not None and low > high:
        errors["max"] = ["Must not be below the minimum."]
    return (low or 0), high


def outside(count: int, low: int, high: int | None) -> bool:
    return count < low or (high is not None and count > high)
