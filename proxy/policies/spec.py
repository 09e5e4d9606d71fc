"""The attached policies of an API as JSON (what the control plane stores and the snapshot
carries), and their validation: one reader for the services, the REST API, the portal and the
proxy.

    [{"kind": "regex_guard", "flow": "request", "operation": "", "name": "no-secrets",
      "parameters": {"pattern": "(?i)password", "mode": "block"}}, …]

The list is in execution order. `operation` is "" for every operation of the API, or one
operation path such as "/chat/completions".
"""

from __future__ import annotations

from typing import Any

from proxy.policies.base import FLOWS, REQUEST, FieldErrors, PolicySpec
from proxy.policies.kinds import KINDS, flows_of, module_of

MAX_POLICIES = 50
MAX_NAME = 64
KEYS = frozenset({"kind", "flow", "operation", "name", "parameters"})


def parse_policy(raw: Any) -> tuple[PolicySpec | None, FieldErrors]:
    """One policy and its field errors (keyed by parameter name, or kind/flow/operation)."""
    if not isinstance(raw, dict):
        return None, {"policy": ["Expected an object."]}
    errors: FieldErrors = {}
    unknown = sorted(set(raw) - KEYS)
    if unknown:
        errors["policy"] = [f"Unknown key {name!r}." for name in unknown]
    kind = raw.get("kind")
    if kind not in KINDS:
        return None, {**errors, "kind": [f"Expected one of: {', '.join(KINDS)}."]}
    spec = PolicySpec(
        kind=kind,
        flow=raw.get("flow", REQUEST),
        operation=raw.get("operation", "") or "",
        name=raw.get("name", "") or "",
        parameters=raw.get("parameters") or {},
    )
    errors.update(_envelope_errors(spec))
    if isinstance(spec.parameters, dict):
        errors.update(module_of(kind).validate(spec.parameters))
        if spec.flow in FLOWS and spec.flow not in flows_of(kind, spec.parameters):
            errors["flow"] = [
                f"This policy runs on the {' or '.join(flows_of(kind, spec.parameters))} flow."
            ]
    return (None if errors else spec), errors


def _envelope_errors(spec: PolicySpec) -> FieldErrors:
    errors: FieldErrors = {}
    if spec.flow not in FLOWS:
        errors["flow"] = ["Expected 'request' or 'response'."]
    if not isinstance(spec.operation, str) or (
        spec.operation and not spec.operation.startswith("/")
    ):
        errors["operation"] = ["Expected an operation path such as /chat/completions, or empty."]
    if not isinstance(spec.name, str) or len(spec.name) > MAX_NAME:
        errors["name"] = [f"Text of at most {MAX_NAME} characters."]
    if not isinstance(spec.parameters, dict):
        errors["parameters"] = ["Expected an object."]
    return errors


def parse_policies(raw: Any) -> tuple[list[PolicySpec], FieldErrors]:
    """All policies, or the first invalid one's errors prefixed with its position."""
    if raw in (None, ""):
        return [], {}
    if not isinstance(raw, list):
        return [], {"policies": ["Expected a list."]}
    if len(raw) > MAX_POLICIES:
        return [], {"policies": [f"At most {MAX_POLICIES} policies per API."]}
    specs: list[PolicySpec] = []
    for index, item in enumerate(raw):
        spec, errors = parse_policy(item)
        if errors:
            return [], {f"policies[{index}].{name}": problems for name, problems in errors.items()}
        assert spec is not None
        specs.append(spec)
    return specs, {}


def spec_to_dict(spec: PolicySpec) -> dict[str, Any]:
    return {
        "kind": spec.kind,
        "flow": spec.flow,
        "operation": spec.operation,
        "name": spec.name,
        "parameters": spec.parameters,
    }
