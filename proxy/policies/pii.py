"""PII guardrail: built-in recognisers (pii_recognisers.py) and custom regexes, with one action:

- `block`: refuse a request holding PII (or only report it, `mode: report`);
- `mask`: replace each value with a placeholder such as `[EMAIL_1]` before the provider sees it;
- `mask_restore`: mask, and put the original values back into the answer (streams included:
  proxy/policies/restore.py).

On the response flow only `block` applies (a stream's windows are checked as they flow).
"""

from __future__ import annotations

import re
from typing import Any

from proxy.policies.base import BLOCK, REQUEST, RESPONSE, FieldErrors, PolicyCall, PolicySpec
from proxy.policies.guardrail import check_common, trip
from proxy.policies.pii_recognisers import BUILTIN, ENTITIES, Recogniser, find
from proxy.policies.text import compile_path, request_slots

ACTIONS = ("block", "mask", "mask_restore")
OWN = ("entities", "custom", "action")
CUSTOM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,31}$")


def validate(params: dict[str, Any]) -> FieldErrors:
    errors = check_common(params, OWN)
    entities = params.get("entities", list(ENTITIES))
    if not isinstance(entities, list) or any(e not in ENTITIES for e in entities):
        errors["entities"] = [f"Expected a list of: {', '.join(ENTITIES)}."]
    if params.get("action", BLOCK) not in ACTIONS:
        errors["action"] = [f"Expected one of: {', '.join(ACTIONS)}."]
    _check_custom(params.get("custom", []), errors)
    return errors


def _check_custom(custom: Any, errors: FieldErrors) -> None:
    if not isinstance(custom, list):
        errors["custom"] = ["Expected a list of {name, pattern}."]
        return
    for entry in custom:
        if not isinstance(entry, dict) or set(entry) != {"name", "pattern"}:
            errors["custom"] = ["Each entry is {name, pattern}."]
            return
        if not isinstance(entry["name"], str) or not CUSTOM_NAME.match(entry["name"]):
            errors["custom"] = [f"Not a valid name: {entry['name']!r} (letters, digits, _)."]
            return
        try:
            re.compile(entry["pattern"])
        except (re.error, TypeError) as exc:
            errors["custom"] = [f"Not a valid regular expression: {exc}."]
            return


def recognisers_of(params: dict[str, Any]) -> tuple[Recogniser, ...]:
    wanted = {ENTITIES[e] for e in params.get("entities", list(ENTITIES))}
    custom = tuple(
        Recogniser(entry["name"].upper(), re.compile(entry["pattern"]))
        for entry in params.get("custom", [])
    )
    return custom + tuple(r for r in BUILTIN if r.entity in wanted)


class PiiGuard:
    __slots__ = ("label", "mode", "flow", "action", "path", "recognisers", "whole_answer_only")

    def __init__(self, spec: PolicySpec) -> None:
        params = spec.parameters
        self.label = spec.label
        self.mode = params.get("mode", BLOCK)
        self.flow = spec.flow
        self.action = params.get("action", BLOCK)
        expression = params.get("json_path")
        self.path = compile_path(expression) if expression else None
        self.recognisers = recognisers_of(params)
        self.whole_answer_only = False

    def on_request(self, call: PolicyCall) -> None:
        slots = request_slots(call.payload, self.path)
        if self.action == BLOCK:
            if any(find(slot.value, self.recognisers) for slot in slots):
                trip(call, self.label, self.mode)
            return
        masked = 0
        for slot in slots:
            text = slot.value
            spans = find(text, self.recognisers)
            if spans:
                slot.set(mask(text, spans, call.restore))
                masked += len(spans)
        if masked:
            call.changed = True
            call.actions.append((self.label, "masked"))

    def violation(self, text: str) -> str | None:
        return self.label if find(text, self.recognisers) else None


def mask(text: str, spans: list[tuple[int, int, str]], restore: dict[str, str]) -> str:
    """Replace each span by a placeholder; the same value keeps the same placeholder."""
    by_value = {value: placeholder for placeholder, value in restore.items()}
    parts: list[str] = []
    last = 0
    for start, end, entity in spans:
        value = text[start:end]
        placeholder = by_value.get(value)
        if placeholder is None:
            placeholder = f"[{entity}_{len(restore) + 1}]"
            restore[placeholder], by_value[value] = value, placeholder
        parts += (text[last:start], placeholder)
        last = end
    parts.append(text[last:])
    return "".join(parts)


def build(spec: PolicySpec) -> PiiGuard:
    return PiiGuard(spec)


def flows(params: dict[str, Any]) -> tuple[str, ...]:
    """Masking rewrites the request; an answer can only be checked (blocked or reported)."""
    return (REQUEST, RESPONSE) if params.get("action", BLOCK) == BLOCK else (REQUEST,)
