"""Input of custom vendor writes: a JSON body, or multipart with the OpenAPI file uploaded
(`curl -F api_definition=@openapi.yaml -F 'usage_paths={"total_tokens": "$.usage.total"}'`).
The schema describes the two separately: in JSON `api_definition` is an object (or its
JSON/YAML text) and `usage_paths` an object; in multipart a binary file and JSON text."""

from __future__ import annotations

import json
from collections.abc import Mapping

from django.core.files.uploadedfile import UploadedFile
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.base import StrictSerializer
from core.api.shapes import USAGE_PATHS
from core.models import AuthScheme
from core.services.api_definitions import MAX_BYTES


@extend_schema_field(
    {
        "oneOf": [
            {"type": "object", "additionalProperties": {}, "title": "OpenAPI document"},
            {"type": "string", "minLength": 1, "title": "Its JSON or YAML text"},
        ],
        "description": "An OpenAPI 3 document: an object, or its JSON or YAML text.",
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


@extend_schema_field(USAGE_PATHS)
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


def _uploads(base: type[StrictSerializer], name: str) -> type[StrictSerializer]:
    """The multipart form of `base`, for the schema: the definition is an uploaded file and
    `usage_paths` JSON text. The view parses both forms with `base`."""
    fields = {
        "api_definition": serializers.FileField(
            required=base is VendorInput, help_text="The OpenAPI 3 file (JSON or YAML)."
        ),
        "usage_paths": serializers.CharField(
            required=False, help_text="The usage paths object as JSON text."
        ),
    }
    return type(name, (base,), fields)


VendorUpload = _uploads(VendorInput, "VendorUpload")
VendorUpdateUpload = _uploads(VendorUpdateInput, "VendorUpdateUpload")
