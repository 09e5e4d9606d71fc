"""How the OpenAPI schema describes every operation, by rule and in one place: the error
responses each one can return, a summary and a description, and input objects that refuse
unknown fields (`additionalProperties: false`, as StrictSerializer does)."""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, PolymorphicProxySerializer
from rest_framework import permissions, serializers

from core.api.base import MEMBERS, StrictSerializer
from core.api.operations import SUMMARIES

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# What DRF's CharField takes: no NUL character; unless blank is allowed, something besides
# whitespace (it trims). JSON Schema patterns are not anchored, hence ^…$.
TEXT = "^[^\\x00]*$"
NON_BLANK_TEXT = "^[^\\x00]*[^\\s\\x00][^\\x00]*$"
SLUG = "^[-a-zA-Z0-9_]+$"


def example(name: str, body: dict) -> OpenApiExample:
    """A request body example, shown in the docs page and sent by the contract fuzzer."""
    return OpenApiExample(name, value=body, request_only=True)


BLANK = {"type": "string", "maxLength": 0}


def _without_blank_branch(prop: dict) -> dict:
    """drf-spectacular writes a blank-allowed text as `oneOf: [text, ""]`, whose branches
    overlap on "" (which then matches neither oneOf); the text branch alone allows "" already."""
    branches = prop.get("oneOf", [])
    if len(branches) != 2 or branches[1] != BLANK or branches[0].get("minLength"):
        return prop
    rest = {key: value for key, value in prop.items() if key != "oneOf"}
    return {**branches[0], **rest}


def _is_free_text(field, schema: dict) -> bool:
    return (
        isinstance(field, serializers.CharField)
        and schema.get("type") == "string"
        and "pattern" not in schema
        and "format" not in schema
    )


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable, e.g. invalid_input, not_found, conflict.")
    message = serializers.CharField(help_text="For people; may change.")
    fields = serializers.DictField(  # type: ignore[assignment]  # a declared field
        child=serializers.JSONField(),
        help_text="Invalid input only: each bad field with its messages (nested for nested "
        "objects); empty otherwise.",
    )


class ErrorSerializer(serializers.Serializer):
    """The one shape of every error under /api/v1/."""

    error = ErrorDetailSerializer()


ERROR_DESCRIPTIONS = {
    400: "Invalid input (`invalid_input`): `fields` names each bad field.",
    401: "No or bad credentials (`not_authenticated`).",
    403: "Not allowed (`permission_denied`): a role, a read-only token, a missing CSRF token.",
    404: "Not there, or not in your tenant (`not_found`).",
    409: "A conflict (`conflict`, `invalid_lifecycle_transition`).",
    415: "The body is not JSON (`unsupported_media_type`).",
    429: "Too many failed sign-ins or bad tokens (`locked_out`); see Retry-After.",
}


class TollgateAutoSchema(AutoSchema):
    def get_summary(self) -> str | None:
        return SUMMARIES.get(self.get_operation_id()) or super().get_summary()

    def get_description(self) -> str:  # type: ignore[override]
        parts = [f"{self.get_summary()}.", super().get_description(), self._who()]
        return "\n\n".join(part for part in parts if part)

    def get_auth(self):
        """Operations anyone may call say so (`{}`), so credentials are optional there."""
        auths = super().get_auth()
        if self.method in getattr(self.view, "anonymous_methods", ()) and {} not in auths:
            auths.append({})
        return auths

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if type(serializer).__doc__ is None:  # not a base class's docstring, inherited
            schema.pop("description", None)
        for name, prop in schema.get("properties", {}).items():
            schema["properties"][name] = _without_blank_branch(prop)
        if direction == "request" and isinstance(serializer, StrictSerializer):
            schema["additionalProperties"] = False
        return schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and isinstance(field, serializers.SlugField):
            schema = {**schema, "pattern": SLUG}
        elif direction == "request" and _is_free_text(field, schema):
            schema = {**schema, "pattern": TEXT if field.allow_blank else NON_BLANK_TEXT}
        return schema

    def _get_request_for_media_type(self, serializer, direction="request"):
        """A PATCH whose input is taken whole keeps its required fields (not `Patched…`);
        a choice of bodies (oneOf) is required."""
        if isinstance(serializer, PolymorphicProxySerializer):
            schema, _ = super()._get_request_for_media_type(serializer, direction)
            return schema, True
        if self.method == "PATCH" and not getattr(serializer, "partial_on_patch", True):
            self.method = "POST"
            try:
                return super()._get_request_for_media_type(serializer, direction)
            finally:
                self.method = "PATCH"
        return super()._get_request_for_media_type(serializer, direction)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in self._error_statuses():
            error = OpenApiResponse(ErrorSerializer, description=ERROR_DESCRIPTIONS[status])
            responses.setdefault(str(status), self._get_response_for_code(error, str(status)))
        return responses

    def _error_statuses(self) -> list[int]:
        statuses = [401, 429]  # a bad bearer token is refused on any route
        if self._get_request_body() or self._has_query_parameters():
            statuses.append(400)
        if self._may_forbid():
            statuses.append(403)
        if "{" in self.path:
            statuses.append(404)
        if self.method in UNSAFE and "{tenant_slug}" in self.path:
            statuses.append(409)
        if self._get_request_body():
            statuses.append(415)
        return sorted(statuses)

    def _has_query_parameters(self) -> bool:
        return any(p.get("in") == "query" for p in self._get_parameters())

    def _may_forbid(self) -> bool:
        if self.method in UNSAFE or getattr(self.view, "reads_may_be_forbidden", False):
            return True
        classes = getattr(self.view, "permission_classes", [])
        if any(c.__name__ == "SessionOnly" for c in classes):
            return True
        permission_map = getattr(self.view, "permission_map", None)
        return permission_map is not None and permission_map.get("GET", MEMBERS) != MEMBERS

    def _who(self) -> str:
        permission_map = getattr(self.view, "permission_map", None)
        if permission_map is not None:
            needed = permission_map.get(self.method, MEMBERS)
            if needed == MEMBERS:
                return "Any member of the tenant."
            return f"Needs the `{needed}` permission (core/permissions.py)."
        classes = getattr(self.view, "permission_classes", [])
        if any(c is permissions.IsAuthenticated for c in classes):
            return "Any signed-in user."
        return "Anyone."
