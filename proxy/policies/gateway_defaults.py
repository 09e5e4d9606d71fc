"""The typed shape of an API's gateway settings (AIVAX-style gateways), and its validation.

An AI API can carry a system prompt, an assistant prefill and default inference parameters
(model, temperature, top_p, max_tokens, stop), each with whether a request may override it.
The JSON lives on `AiApi.gateway_settings` and travels in `DeploymentSnapshot.gateway_settings`:

    {"system_prompt": "You are Acme's support assistant.",
     "assistant_prefill": "",
     "parameters": {"model": {"value": "gpt-4o-mini", "overridable": false},
                    "temperature": {"value": 0.2},
                    "stop": {"value": ["END"], "overridable": true}}}

`parse_gateway_settings` is the one reader: the control plane calls it to validate on save
(field errors keyed by the form field names), the proxy to compile a snapshot.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from proxy.knowledge.settings import parse_knowledge

PARAMETERS = ("model", "temperature", "top_p", "max_tokens", "stop")
TEXT_FIELDS = ("system_prompt", "assistant_prefill")
TOP_LEVEL = frozenset({*TEXT_FIELDS, "parameters", "knowledge"})  # knowledge: proxy/knowledge
MAX_TEXT = 32_000
MAX_STOP_SEQUENCES = 16
FieldErrors = dict[str, list[str]]


@dataclass(frozen=True, slots=True)
class ParameterDefault:
    value: Any
    overridable: bool = True  # False: the publisher's value replaces whatever the caller sent


@dataclass(frozen=True, slots=True)
class GatewayDefaults:
    system_prompt: str = ""
    assistant_prefill: str = ""
    model: ParameterDefault | None = None
    temperature: ParameterDefault | None = None
    top_p: ParameterDefault | None = None
    max_tokens: ParameterDefault | None = None
    stop: ParameterDefault | None = None
    knowledge: dict[str, Any] | None = None  # collections attached (proxy/knowledge/settings.py)

    @property
    def is_empty(self) -> bool:
        return not (self.system_prompt or self.assistant_prefill or any(self.parameters()))

    def parameters(self) -> Iterator[tuple[str, ParameterDefault]]:
        for name in PARAMETERS:
            default = getattr(self, name)
            if default is not None:
                yield name, default

    def to_dict(self) -> dict[str, Any]:
        """The normalised JSON (what the control plane stores)."""
        data: dict[str, Any] = {name: getattr(self, name) for name in TEXT_FIELDS}
        data["parameters"] = {
            name: {"value": default.value, "overridable": default.overridable}
            for name, default in self.parameters()
        }
        if self.knowledge:
            data["knowledge"] = self.knowledge
        return {key: value for key, value in data.items() if value}


def parse_gateway_settings(raw: Any) -> tuple[GatewayDefaults, FieldErrors]:
    """The settings and, per field, what is wrong with them (empty when valid)."""
    if raw in (None, ""):
        return GatewayDefaults(), {}
    if not isinstance(raw, dict):
        return GatewayDefaults(), {"gateway_settings": ["Expected a JSON object."]}
    errors: FieldErrors = {}
    unknown = sorted(set(raw) - TOP_LEVEL)
    if unknown:
        errors["gateway_settings"] = [f"Unknown setting {name!r}." for name in unknown]
    system_prompt, prefill = (_text(raw.get(name), name, errors) for name in TEXT_FIELDS)
    parameter = _parameters(raw.get("parameters"), errors).get
    defaults = GatewayDefaults(
        system_prompt=system_prompt,
        assistant_prefill=prefill,
        model=parameter("model"),
        temperature=parameter("temperature"),
        top_p=parameter("top_p"),
        max_tokens=parameter("max_tokens"),
        stop=parameter("stop"),
        knowledge=_knowledge(raw.get("knowledge"), errors),
    )
    return defaults, errors


def _knowledge(raw: Any, errors: FieldErrors) -> dict[str, Any] | None:
    settings, problems = parse_knowledge(raw)
    if problems:
        errors["knowledge"] = problems
    return settings.to_dict() if settings else None


def _text(value: Any, name: str, errors: FieldErrors) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[name] = ["Expected text."]
        return ""
    if len(value) > MAX_TEXT:
        errors[name] = [f"At most {MAX_TEXT} characters."]
    return value


def _parameters(raw: Any, errors: FieldErrors) -> dict[str, ParameterDefault]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        errors["gateway_settings"] = ["'parameters' must be an object."]
        return {}
    parsed: dict[str, ParameterDefault] = {}
    for name, entry in raw.items():
        if name not in CHECKS:
            errors.setdefault("gateway_settings", []).append(f"Unknown parameter {name!r}.")
            continue
        default, problem = _parameter(name, entry)
        if problem:
            errors[name] = [problem]
        elif default is not None:
            parsed[name] = default
    return parsed


def _parameter(name: str, entry: Any) -> tuple[ParameterDefault | None, str]:
    if entry is None:
        return None, ""
    if not isinstance(entry, dict) or "value" not in entry:
        return None, 'Expected {"value": …, "overridable": true|false}.'
    extra = sorted(set(entry) - {"value", "overridable"})
    if extra:
        return None, f"Unknown key {extra[0]!r}."
    overridable = entry.get("overridable", True)
    if not isinstance(overridable, bool):
        return None, "'overridable' must be true or false."
    value, problem = CHECKS[name](entry["value"])
    return (None, problem) if problem else (ParameterDefault(value, overridable), "")


def _model(value: Any) -> tuple[Any, str]:
    if not isinstance(value, str) or not value.strip() or len(value) > 200:
        return None, "A model name of 1-200 characters."
    return value.strip(), ""


def _number_between(low: float, high: float) -> Callable[[Any], tuple[Any, str]]:
    def check(value: Any) -> tuple[Any, str]:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not (low <= value <= high)
        ):
            return None, f"A number from {low:g} to {high:g}."
        return value, ""

    return check


def _max_tokens(value: Any) -> tuple[Any, str]:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10_000_000:
        return None, "A whole number of tokens, at least 1."
    return value, ""


def _stop(value: Any) -> tuple[Any, str]:
    sequences = [value] if isinstance(value, str) else value
    if (
        not isinstance(sequences, list)
        or not 1 <= len(sequences) <= MAX_STOP_SEQUENCES
        or not all(isinstance(s, str) and s for s in sequences)
    ):
        return None, f"1 to {MAX_STOP_SEQUENCES} non-empty stop sequences."
    return sequences, ""


CHECKS: dict[str, Callable[[Any], tuple[Any, str]]] = {
    "model": _model,
    "temperature": _number_between(0, 2),
    "top_p": _number_between(0, 1),
    "max_tokens": _max_tokens,
    "stop": _stop,
}
