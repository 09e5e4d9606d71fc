"""Semantic prompt guard: refuse a prompt whose meaning is close to a `deny` example (cosine
similarity at least `threshold`), unless it is closer still to an `allow` example. Embeddings
come from the offline model in proxy/embeddings.py (shared with knowledge collections),
loaded when the first API with this policy is compiled.

Parameters: `deny` (required), `allow`: lists of example phrases; `threshold` (0 to 1,
default 0.8); plus `mode` and `json_path` like every guardrail.
"""

from __future__ import annotations

from typing import Any

from proxy.embeddings import embed
from proxy.policies.base import REQUEST, FieldErrors, PolicySpec
from proxy.policies.guardrail import TextGuard, check_common

MAX_EXAMPLES = 200
DEFAULT_THRESHOLD = 0.8


def flows(params: dict[str, Any]) -> tuple[str, ...]:
    return (REQUEST,)


def validate(params: dict[str, Any]) -> FieldErrors:
    errors = check_common(params, ("deny", "allow", "threshold"))
    for name in ("deny", "allow"):
        examples = params.get(name, [])
        if not isinstance(examples, list) or not all(
            isinstance(e, str) and e.strip() for e in examples
        ):
            errors[name] = ["Expected a list of example phrases."]
        elif len(examples) > MAX_EXAMPLES:
            errors[name] = [f"At most {MAX_EXAMPLES} examples."]
    if not errors.get("deny") and not params.get("deny"):
        errors["deny"] = ["Give at least one phrase to refuse."]
    threshold = params.get("threshold", DEFAULT_THRESHOLD)
    number = isinstance(threshold, int | float) and not isinstance(threshold, bool)
    if not number or not 0 < threshold <= 1:
        errors["threshold"] = ["Expected a number between 0 and 1."]
    return errors


def build(spec: PolicySpec) -> TextGuard:
    params = spec.parameters
    deny = embed(list(params["deny"]))
    allow = embed(list(params["allow"])) if params.get("allow") else None
    threshold = float(params.get("threshold", DEFAULT_THRESHOLD))

    def judge(text: str) -> bool:
        if not text.strip():
            return False
        prompt = embed([text])[0]
        closest_deny = float((deny @ prompt).max())
        if closest_deny < threshold:
            return False
        return allow is None or float((allow @ prompt).max()) < closest_deny

    return TextGuard(spec, judge)
