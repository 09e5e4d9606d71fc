"""Input of custom vendor writes: a JSON body, or multipart with the OpenAPI file uploaded
(`curl -F api_definition=@openapi.yaml -F 'usage_paths={"total_tokens": "$.usage.total"}'`)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from django.core.files.uploadedfile import UploadedFile
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.base import StrictSerializer
from core.models import AuthScheme
from core.services.api_definitions import MAX_BYTES


@extend_schema_field(
    {
        "oneOf": [{"type": "object", "additionalProperties": True}, {"type": "string"}],
        "description": "An OpenAPI 3 document: an object, its JSON or YAML text, or (multipart) "
        "an uploaded file.",
    }
)
class ApiDefinitionField(serializers.Field):
    def to_internal_value(self, data) -> Mapping | str | bytes:
        if isinstance(data, UploadedFile):
            if data.size and data.size > MAX_BYTES:
                raise serializers.ValidationError(f"At most {MAX_BYTES // 1024 // 1024} MB.")
            return data.read()
        if isinstance(data, Mapping | str):
            return data
        raise serializers.ValidationError("An OpenAPI 3 document: an object, JSON or YAML.")

    def to_representation(self, value):
        return value


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "Per field (prompt_tokens, completion_tokens, total_tokens, "
        "request_model, response_model): a JSONPath such as $.usage.prompt_tokens, or "
        "header:<name>. Multipart: the same object as JSON text.",
    }
)
class UsagePathsField(serializers.Field):
    def to_internal_value(self, data) -> dict:
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                raise serializers.ValidationError("Not valid JSON.") from None
        if not isinstance(data, Mapping):
            raise serializers.ValidationError('An object, e.g. {"total_tokens": "$.usage.total"}.')
        return dict(data)

    def to_representation(self, value):
        return value


class VendorInput(StrictSerializer):
    name = serializers.CharField(max_length=100)
    slug = serializers.SlugField(
        max_length=63, required=False, help_text="Default: from the name. Cannot change later."
    )
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.CharField(max_length=50, help_text="The vendor API's version, e.g. v1.")
    base_url = serializers.CharField(
        max_length=500, help_text="Where the operations live; checked like endpoint URLs."
    )
    auth_scheme = serializers.ChoiceField(
        AuthScheme.choices,
        required=False,
        help_text="How the provider key travels (default header).",
    )
    auth_name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text="The header (e.g. Authorization, x-api-key) or query parameter name.",
    )
    auth_prefix = serializers.CharField(
        max_length=50,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="Header auth only: put before the key, e.g. 'Bearer '.",
    )
    api_definition = ApiDefinitionField()
    usage_paths = UsagePathsField(required=False)


class VendorUpdateInput(VendorInput):
    slug = None  # type: ignore[assignment]  # DRF: a field set to None is removed
    version = serializers.CharField(
        max_length=50,
        required=False,
        help_text="The version to edit (default the newest); one the vendor lacks is added.",
    )
