"""Concrete schemas of the JSON stored in JSONFields (tags, limits, gateway settings, driver
settings, usage paths, roles, audit changes), and typed fields that carry them into the
OpenAPI schema. Inputs are also checked by their services; these shapes describe them."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.enums import ROLES

MAX_ID = 2**63 - 1
MAX_INT32 = 2**31 - 1


def identifier(**kwargs) -> serializers.IntegerField:
    """The id of an object named in a body or a query (a path id is checked by its route)."""
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def typed(field_class: type[serializers.Field], schema: dict, **kwargs) -> serializers.Field:
    """`field_class(**kwargs)` described by `schema` in the OpenAPI document. A subclass, since
    DRF rebuilds declared fields from their class and arguments."""
    annotated = extend_schema_field(schema)(
        type(f"Typed{field_class.__name__}", (field_class,), {})
    )
    return annotated(**kwargs)


def _parameter(value: dict) -> dict:
    return {
        "type": "object",
        "properties": {
            "value": value,
            "overridable": {"type": "boolean", "default": True},
        },
        "required": ["value"],
        "additionalProperties": False,
        "nullable": True,
    }


TAGS: dict[str, Any] = {"type": "array", "items": {"type": "string", "maxLength": 50}}
ROLE_LIST: dict[str, Any] = {"type": "array", "items": {"type": "string", "enum": ROLES}}
LIMITS: dict[str, Any] = {
    "type": "object",
    "nullable": True,
    "properties": {
        **{
            name: {"type": "integer", "minimum": 1, "maximum": MAX_INT32, "nullable": True}
            for name in ("requests", "total_tokens", "prompt_tokens", "completion_tokens")
        },
        "unit_seconds": {"type": "integer", "minimum": 1, "maximum": MAX_INT32},
        "stop_on_quota": {"type": "boolean"},
    },
}
BACKEND_LIMITS: dict[str, Any] = {
    "type": "object",
    "properties": {"production": LIMITS, "sandbox": LIMITS},
    "description": "Limits protecting the tenant's provider quota, per endpoint kind.",
}
GATEWAY_SETTINGS: dict[str, Any] = {
    "type": "object",
    "description": "System prompt, assistant prefill and default inference parameters, each "
    "overridable by callers or not (docs/providers.md, Gateway defaults).",
    "properties": {
        "system_prompt": {"type": "string", "maxLength": 32000},
        "assistant_prefill": {"type": "string", "maxLength": 32000},
        "parameters": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "model": _parameter({"type": "string", "minLength": 1, "maxLength": 200}),
                "temperature": _parameter({"type": "number", "minimum": 0, "maximum": 2}),
                "top_p": _parameter({"type": "number", "minimum": 0, "maximum": 1}),
                "max_tokens": _parameter({"type": "integer", "minimum": 1, "maximum": 10_000_000}),
                "stop": _parameter(
                    {
                        "type": "array",
                        "items": {"type": "string", "minLength": 1},
                        "minItems": 1,
                        "maxItems": 16,
                    }
                ),
            },
        },
    },
    "additionalProperties": False,
}
SCALAR: dict[str, Any] = {"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]}
DRIVER_SETTINGS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": SCALAR,
    "description": "Driver settings, e.g. Azure's deployment and api_version.",
}
USAGE_PATHS: dict[str, Any] = {
    "type": "object",
    "additionalProperties": {"type": "string"},
    "description": "Per field (prompt_tokens, completion_tokens, total_tokens, request_model, "
    "response_model): a JSONPath such as $.usage.prompt_tokens, or header:<name>.",
}
JSON_OBJECT: dict[str, Any] = {"type": "object", "additionalProperties": {}}
AUDIT_CHANGES: dict[str, Any] = {
    **JSON_OBJECT,
    "description": "What changed, by field; its shape depends on the action.",
}
OPERATION: dict[str, Any] = {
    "type": "object",
    "properties": {
        "method": {"type": "string"},
        "path": {"type": "string"},
        "summary": {"type": "string"},
    },
    "required": ["method", "path", "summary"],
}
OPERATIONS: dict[str, Any] = {"type": "array", "items": OPERATION}


class ScalarField(serializers.Field):
    """A string, a number or a boolean (a driver setting's value)."""

    def to_internal_value(self, data):
        if not isinstance(data, str | int | float):
            raise serializers.ValidationError("A string, number or boolean.")
        return data

    def to_representation(self, value):
        return value


def driver_settings(**kwargs) -> serializers.Field:
    return typed(serializers.DictField, DRIVER_SETTINGS, child=ScalarField(), **kwargs)


URL_OR_EMPTY: dict[str, Any] = {
    "type": "string",
    "maxLength": 300,
    "pattern": "^(https?://.+)?$",
    "description": "An http(s) URL, or empty for none.",
}
