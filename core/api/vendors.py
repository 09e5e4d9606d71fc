"""The AI vendor catalog: built-in vendors (read-only) and the tenant's custom ones, which
tenant admins create, edit and delete (core/services/vendors.py)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from core import selectors
from core.api.base import MEMBERS, TenantView, parse
from core.api.vendor_inputs import VendorInput, VendorUpdateInput
from core.models import Vendor, VendorVersion
from core.services import vendors as vendor_services


class VendorVersionSerializer(serializers.ModelSerializer):
    operations = serializers.SerializerMethodField()

    class Meta:
        model = VendorVersion
        fields = [
            "id",
            "version",
            "driver",
            "base_url",
            "auth_scheme",
            "auth_name",
            "auth_prefix",
            "usage_paths",
            "settings",
            "operations",
        ]

    def get_operations(self, version) -> list[dict]:
        return version.operations()


class VendorSerializer(serializers.ModelSerializer):
    is_builtin = serializers.BooleanField(read_only=True)
    versions = VendorVersionSerializer(many=True, read_only=True)

    class Meta:
        model = Vendor
        fields = ["id", "slug", "name", "description", "is_builtin", "versions"]


class VendorDetailSerializer(VendorSerializer):
    api_definitions = serializers.SerializerMethodField()

    class Meta(VendorSerializer.Meta):
        fields = [*VendorSerializer.Meta.fields, "api_definitions"]

    def get_api_definitions(self, vendor) -> dict[str, dict]:
        return {version.version: version.api_definition for version in vendor.versions.all()}


class VendorListView(TenantView, generics.ListAPIView):
    serializer_class = VendorSerializer
    permission_map = {"GET": MEMBERS, "POST": "tenant.manage"}

    def get_queryset(self):
        return Vendor.objects.none() if self.schema_only else selectors.vendors(self.tenant)

    @extend_schema(request=VendorInput, responses={201: VendorDetailSerializer})
    def post(self, request, tenant_slug: str):
        vendor = vendor_services.create_custom_vendor(
            tenant=self.tenant, actor=request.user, **parse(VendorInput, request)
        )
        body = VendorDetailSerializer(selectors.vendor(self.tenant, vendor.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class VendorDetailView(TenantView):
    """A vendor. Custom ones: PATCH edits the vendor and one version (`version`, default the
    newest; a new `version` is added); DELETE refuses while an API uses the vendor (409).
    Built-in vendors answer 403 to writes."""

    serializer_class = VendorDetailSerializer
    permission_map = {"GET": MEMBERS, "PATCH": "tenant.manage", "DELETE": "tenant.manage"}

    def get(self, request, tenant_slug: str, vendor_id: int):
        found = selectors.vendor(self.tenant, vendor_id)
        return Response(VendorDetailSerializer(found).data)

    @extend_schema(request=VendorUpdateInput, responses=VendorDetailSerializer)
    def patch(self, request, tenant_slug: str, vendor_id: int):
        vendor = selectors.vendor(self.tenant, vendor_id)
        vendor_services.ensure_custom(vendor)  # 403 for a built-in one, before any 400
        vendor = vendor_services.update_custom_vendor(
            vendor=vendor, actor=request.user, **parse(VendorUpdateInput, request, partial=True)
        )
        return Response(VendorDetailSerializer(selectors.vendor(self.tenant, vendor.pk)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, vendor_id: int):
        vendor = selectors.vendor(self.tenant, vendor_id)
        vendor_services.delete_custom_vendor(vendor=vendor, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
