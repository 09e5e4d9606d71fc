"""What every tenant-scoped REST view shares: the tenant from the URL, the role check, and
input serializers that refuse fields they do not know.

Order of checks, the same for every route: authenticated (else 401) → member of the tenant in
the URL (else 404, as if it did not exist) → the role grants the permission the method needs
(else 403) → the object belongs to that tenant (else 404).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

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
    `context`, which cannot change), instead of silently ignoring them."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):  # nested serializers are checked too
            writable = {name for name, f in self.fields.items() if not f.read_only}
            unknown = set(data) - writable
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Unknown or read-only field."] for name in sorted(unknown)}
                )
        return super().to_internal_value(data)


def parse(serializer_class: type[serializers.Serializer], request: Request, **kwargs) -> dict:
    """Validate the request body (400 with field errors) and return the clean values."""
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
