"""Sentence count guardrail: the inspected text has between `min` and `max` sentences (runs of
text ended by `.`, `!` or `?`, or by the end of the text)."""

from __future__ import annotations

import re
from typing import Any

from proxy.policies.base import FieldErrors, PolicySpec
from proxy.policies.guardrail import TextGuard, check_bounds, check_common, outside

SENTENCE = re.compile(r"[^.!?]*[^.!?\s][^.!?]*(?:[.!?]+|$)")


def count_sentences(text: str) -> int:
    return len(SENTENCE.findall(text))


def validate(params: dict[str, Any]) -> FieldErrors:
    errors = check_common(params, ("min", "max"))
    check_bounds(params, errors)
    return errors


def build(spec: PolicySpec) -> TextGuard:
    low, high = check_bounds(spec.parameters, {})
    return TextGuard(spec, lambda text: outside(count_sentences(text), low, high))
