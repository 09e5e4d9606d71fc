"""Read and check a custom vendor's API definition: an OpenAPI 3 document, JSON or YAML.

The check is structural on purpose (an `openapi: 3.x` field and at least one operation under
`paths`): the proxy routes exactly the (method, path) pairs the document lists, so that is
what must hold. A full schema validator would refuse vendor documents with harmless sloppiness
that the gateway serves fine.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import yaml

from core.errors import InvalidInput

FIELD = "api_definition"
MAX_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64
OPERATION_METHODS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


def parse_api_definition(source: Mapping | str | bytes) -> dict:
    """The document as JSON-safe data, or InvalidInput naming what is wrong with it."""
    document = _load(source)
    problems = _problems(document)
    if problems:
        raise InvalidInput("Invalid API definition.", fields={FIELD: problems})
    return document


def count_operations(document: Mapping) -> int:
    return sum(
        1
        for item in (document.get("paths") or {}).values()
        if isinstance(item, Mapping)
        for method, operation in item.items()
        if method.lower() in OPERATION_METHODS and isinstance(operation, Mapping)
    )


def _invalid(message: str) -> InvalidInput:
    return InvalidInput("Invalid API definition.", fields={FIELD: [message]})


def _load(source: Mapping | str | bytes) -> Any:
    if isinstance(source, Mapping):
        return _json_safe(source)
    if isinstance(source, bytes):
        if len(source) > MAX_BYTES:
            raise _invalid(f"The document is larger than {MAX_BYTES // 1024 // 1024} MB.")
        try:
            source = source.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _invalid("The document is not UTF-8 text.") from None
    if not isinstance(source, str) or not source.strip():
        raise _invalid("Give an OpenAPI 3 document (JSON or YAML).")
    if len(source.encode()) > MAX_BYTES:
        raise _invalid(f"The document is larger than {MAX_BYTES // 1024 // 1024} MB.")
    try:
        return _json_safe(json.loads(source))
    except (ValueError, RecursionError):
        pass
    try:
        return _json_safe(yaml.safe_load(source))
    except RecursionError:
        raise _invalid("The document is too deeply nested.") from None
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        at = f" (line {where.line + 1}, column {where.column + 1})" if where else ""
        raise _invalid(f"Neither JSON nor YAML{at}: {getattr(exc, 'problem', exc)}.") from None


class _Budget:
    """Bounds the walk: YAML aliases can make a small document expand into a huge (or
    self-referencing) one."""

    def __init__(self) -> None:
        self.nodes = 0

    def spend(self, depth: int) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES or depth > MAX_DEPTH:
            raise _invalid("The document is too large or too deeply nested.")


def _json_safe(value: Any, budget: _Budget | None = None, depth: int = 0) -> Any:
    """YAML reads `200:` as an int key and `2024-10-21` as a date; JSON wants strings."""
    budget = budget or _Budget()
    budget.spend(depth)
    if isinstance(value, Mapping):
        return {str(key): _json_safe(item, budget, depth + 1) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item, budget, depth + 1) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _problems(document: Any) -> list[str]:
    if not isinstance(document, Mapping):
        return ["The document must be an object with openapi, info and paths."]
    version = document.get("openapi")
    if version is None and "swagger" in document:
        return ["Swagger 2.0 is not supported: convert the document to OpenAPI 3."]
    if not isinstance(version, str) or not version.startswith("3."):
        return ["Not an OpenAPI 3 document: it needs an `openapi: 3.x` field."]
    paths = document.get("paths")
    if not isinstance(paths, Mapping) or not paths:
        return ["The document has no paths: list at least one operation."]
    problems = [f"Path {path!r} must start with '/'." for path in paths if not path.startswith("/")]
    if not problems and not count_operations(document):
        problems.append("No operation under paths: add e.g. `post` to a path.")
    return problems
