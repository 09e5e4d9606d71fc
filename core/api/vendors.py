"""The AI vendor catalog: built-in vendors and the tenant's custom ones (read-only here;
custom vendor writes come with the providers work)."""

from __future__ import annotations

from rest_framework import generics, serializers
from rest_framework.response import Response

from core import selectors
from core.api.base import MEMBERS, TenantView
from core.models import Vendor, VendorVersion


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
    permission_map = {"GET": MEMBERS}

    def get_queryset(self):
        return Vendor.objects.none() if self.schema_only else selectors.vendors(self.tenant)


class VendorDetailView(TenantView):
    serializer_class = VendorDetailSerializer
    permission_map = {"GET": MEMBERS}

    def get(self, request, tenant_slug: str, vendor_id: int):
        found = selectors.vendor(self.tenant, vendor_id)
        return Response(VendorDetailSerializer(found).data)
