"""What every tenant-scoped REST view shares: the tenant from the URL, the role check, and
input serializers that refuse fields they do not know.

Order of checks, the same for every route: authenticated (else 401) → member of the tenant in
the URL (else 404, as if it did not exist) → the role grants the permission the method needs
(else 403) → the object belongs to that tenant (else 404).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from django.http import QueryDict
from rest_framework import generics, permissions, serializers
from rest_framework.request import Request

from core.api.auth import membership_of_request
from core.models import Membership, Tenant
from core.permissions import require

SAFE_ALIASES = {"HEAD": "GET", "OPTIONS": "GET"}
MEMBERS = "members"  # in a permission_map: any member of the tenant may


class TenantRolePermission(permissions.BasePermission):
    """Resolves `view.tenant` / `view.membership` and checks the method's permission."""

    def has_permission(self, request: Request, view) -> bool:
        membership = membership_of_request(request, view.kwargs["tenant_slug"])
        view.membership, view.tenant = membership, membership.tenant
        method = request.method or "GET"
        method = SAFE_ALIASES.get(method, method)
        # A method the view lacks needs only membership; the handler lookup then answers 405.
        permission = view.permission_map.get(method, MEMBERS)
        if permission != MEMBERS:
            require(membership, permission)
        return True


class TenantView(generics.GenericAPIView):
    """Base of every view under /api/v1/tenants/{tenant_slug}/."""

    permission_classes = [permissions.IsAuthenticated, TenantRolePermission]
    # HTTP method → permission name of core.permissions.PERMISSIONS (or MEMBERS).
    permission_map: ClassVar[dict[str, str]] = {}
    tenant: Tenant
    membership: Membership

    @property
    def schema_only(self) -> bool:
        """True while drf-spectacular inspects the view without a real request."""
        return getattr(self, "swagger_fake_view", False)


class StrictSerializer(serializers.Serializer):
    """An input serializer that answers 400 for fields it does not know (e.g. a PATCH of
    `context`, which cannot change), instead of silently ignoring them, and for values of the
    wrong JSON type (`"description": 0`, `"requests": "5"`), which DRF would coerce."""

    # False where a PATCH takes the whole input (its required fields stay required).
    partial_on_patch: ClassVar[bool] = True

    def to_internal_value(self, data):
        if isinstance(data, Mapping):  # nested serializers are checked too
            writable = {name: f for name, f in self.fields.items() if not f.read_only}
            unknown = sorted(set(data) - set(writable))
            errors = {name: ["Unknown or read-only field."] for name in unknown}
            if not isinstance(data, QueryDict):  # query strings and forms hold only text
                errors.update(wrong_types(writable, data))
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


JSON_TYPES: list[tuple[type[serializers.Field], tuple[type, ...], str]] = [
    (serializers.BooleanField, (bool,), "Must be true or false."),
    (serializers.IntegerField, (int,), "Must be an integer."),
    (serializers.FloatField, (int, float), "Must be a number."),
    (serializers.ChoiceField, (str,), "Must be a string."),
    (serializers.CharField, (str,), "Must be a string."),
    (serializers.DateTimeField, (str,), "Must be an ISO 8601 date-time string."),
    (serializers.ListField, (list,), "Must be an array."),
    (serializers.DictField, (dict,), "Must be an object."),
]


def wrong_types(fields: Mapping[str, serializers.Field], data: Mapping) -> dict[str, list[str]]:
    """The fields whose value has the wrong JSON type (null is left to allow_null)."""
    errors: dict[str, list[str]] = {}
    for name, field in fields.items():
        value = data.get(name)
        if value is None:
            continue
        problem = type_problem(field, value)
        if problem is None and isinstance(field, serializers.ListField) and field.child:
            problems = [type_problem(field.child, item) for item in value]
            problem = next((p for p in problems if p), None)
        if problem:
            errors[name] = [problem]
    return errors


def type_problem(field: serializers.Field, value) -> str | None:
    for field_class, types, message in JSON_TYPES:
        if isinstance(field, field_class):
            wrong = not isinstance(value, types) or (bool not in types and isinstance(value, bool))
            return message if wrong else None
    return None


def parse(serializer_class: type[serializers.Serializer], request: Request, **kwargs) -> dict:
    """Validate the request body (400 with field errors) and return the clean values."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
