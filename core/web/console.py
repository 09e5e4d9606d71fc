"""The operations a console offers for an API (Try Out in the developer portal, Test in the
publisher portal): method, path, summary and the request example of the API's definition."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from core.models import AiApi
from core.operations import api_definition, offered_operations

_PARAMETER = re.compile(r"\{(\w+)\}")
_PARAMETER_VALUE = "[A-Za-z0-9._~-]+"  # a model name or id: no slash, query or fragment


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    operation_id: str
    example: str  # pretty JSON of the request body's example, "" when the call has no body
    parameter_examples: tuple[tuple[str, str], ...] = ()

    @property
    def anchor(self) -> str:
        slug = "".join(ch if ch.isalnum() else "-" for ch in self.path).strip("-")
        return f"op-{self.method.lower()}-{slug}"

    @property
    def has_body(self) -> bool:
        return self.method in {"POST", "PUT", "PATCH"}

    @property
    def takes_stream_options(self) -> bool:
        """OpenAI-style completions, which accept `stream` and `stream_options`."""
        return self.method == "POST" and self.path.endswith("/completions")

    @property
    def parameters(self) -> list[tuple[str, str]]:
        """Path parameters with their example, e.g. `model` in `/v1beta/models/{model}:…`."""
        examples = dict(self.parameter_examples)
        return [(name, examples.get(name, "")) for name in _PARAMETER.findall(self.path)]

    def matches(self, method: str, path: str) -> bool:
        """Whether a concrete call (`GET /v1/models/claude-x`) is this operation."""
        if method != self.method or any(part in {".", ".."} for part in path.split("/")):
            return False
        pieces = _PARAMETER.split(self.path)  # literal, name, literal, name, ..., literal
        pattern = "".join(
            _PARAMETER_VALUE if index % 2 else re.escape(piece)
            for index, piece in enumerate(pieces)
        )
        return re.fullmatch(pattern, path) is not None


def operations(api: AiApi) -> list[Operation]:
    """The API's operations (core.operations), with the request examples of its definition.

    Sorted by path (the seed flow's chat completions first): a JSON column need not keep the
    document's key order.
    """
    paths = api_definition(api).get("paths") or {}
    result = []
    ordered = sorted(
        offered_operations(api),
        key=lambda op: (op["path"] != "/chat/completions", op["path"], op["method"]),
    )
    for op in ordered:
        item = paths.get(op["path"]) or {}
        spec = item.get(op["method"].lower()) or {}
        result.append(
            Operation(
                method=op["method"],
                path=op["path"],
                summary=op["summary"] or spec.get("description", ""),
                operation_id=spec.get("operationId", ""),
                example=_example_of(spec),
                parameter_examples=_parameter_examples(item, spec),
            )
        )
    return result


def _parameter_examples(item: dict, spec: dict) -> tuple[tuple[str, str], ...]:
    found = []
    for parameter in [*(item.get("parameters") or []), *(spec.get("parameters") or [])]:
        if isinstance(parameter, dict) and parameter.get("in") == "path":
            example = parameter.get("example", (parameter.get("schema") or {}).get("example"))
            if example is not None:
                found.append((str(parameter.get("name")), str(example)))
    return tuple(found)


def _example_of(spec: dict) -> str:
    content = ((spec.get("requestBody") or {}).get("content") or {}).get("application/json") or {}
    example = content.get("example")
    if example is None and content.get("examples"):
        first = next(iter(content["examples"].values()))
        example = first.get("value") if isinstance(first, dict) else None
    return json.dumps(example, indent=2) if example is not None else ""


def preferred_operation(ops: list[Operation]) -> Operation | None:
    """The seed flow's operation: POST /chat/completions if offered, else the first with a body."""
    for op in ops:
        if op.method == "POST" and op.path == "/chat/completions":
            return op
    return next((op for op in ops if op.example), ops[0] if ops else None)
