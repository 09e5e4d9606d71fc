"""Word count guardrail: the inspected text has between `min` and `max` words."""

from __future__ import annotations

from typing import Any

from proxy.policies.base import FieldErrors, PolicySpec
from proxy.policies.guardrail import TextGuard, check_bounds, check_common, outside


def validate(params: dict[str, Any]) -> FieldErrors:
    errors = check_common(params, ("min", "max"))
    check_bounds(params, errors)
    return errors


def build(spec: PolicySpec) -> TextGuard:
    low, high = check_bounds(spec.parameters, {})
    return TextGuard(spec, lambda text: outside(len(text.split()), low, high))
