"""Regex guardrail: `pattern` must not match (`match: deny`, the default) or must match
(`match: allow`); `invert` flips the outcome (WSO2's switch)."""

from __future__ import annotations

import re
from typing import Any

from proxy.policies.base import FieldErrors, PolicySpec
from proxy.policies.guardrail import TextGuard, check_common

OWN = ("pattern", "match", "invert", "ignore_case")
MAX_PATTERN = 2000


def validate(params: dict[str, Any]) -> FieldErrors:
    errors = check_common(params, OWN)
    pattern = params.get("pattern")
    if not isinstance(pattern, str) or not pattern:
        errors["pattern"] = ["Required: a regular expression."]
    elif len(pattern) > MAX_PATTERN:
        errors["pattern"] = [f"At most {MAX_PATTERN} characters."]
    else:
        try:
            re.compile(pattern)
        except re.error as exc:
            errors["pattern"] = [f"Not a valid regular expression: {exc}."]
    if params.get("match", "deny") not in ("deny", "allow"):
        errors["match"] = ["Expected 'deny' or 'allow'."]
    for flag in ("invert", "ignore_case"):
        if not isinstance(params.get(flag, False), bool):
            errors[flag] = ["Expected true or false."]
    return errors


def build(spec: PolicySpec) -> TextGuard:
    params = spec.parameters
    flags = re.IGNORECASE if params.get("ignore_case") else 0
    search = re.compile(params["pattern"], flags).search
    deny = params.get("match", "deny") == "deny"
    invert = bool(params.get("invert"))

    def judge(text: str) -> bool:
        found = search(text) is not None
        return (found if deny else not found) != invert

    return TextGuard(spec, judge)
