"""JSON schema guardrail (structured output): the inspected text is JSON valid against
`schema` (JSON Schema 2020-12). Judged on the whole answer, never on a stream window."""

from __future__ import annotations

from typing import Any

import orjson
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from proxy.policies.base import FieldErrors, PolicySpec
from proxy.policies.guardrail import TextGuard, check_common


def validate(params: dict[str, Any]) -> FieldErrors:
    errors = check_common(params, ("schema",))
    schema = params.get("schema")
    if not isinstance(schema, dict):
        errors["schema"] = ["Required: a JSON Schema object."]
        return errors
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        errors["schema"] = [f"Not a valid JSON Schema: {exc.message}"]
    return errors


def build(spec: PolicySpec) -> TextGuard:
    validator = Draft202012Validator(spec.parameters["schema"])

    def judge(text: str) -> bool:
        try:
            document = orjson.loads(text)
        except orjson.JSONDecodeError:
            return True
        return not validator.is_valid(document)

    return TextGuard(spec, judge, whole_answer_only=True)
