"""The AI vendor catalog: built-in vendors (read-only) and the tenant's custom ones, which
tenant admins create, edit and delete (core/services/vendors.py)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, parsers, serializers, status
from rest_framework.response import Response

from core import selectors
from core.api import shapes
from core.api.base import MEMBERS, TenantView, parse
from core.api.shapes import driver_settings, typed
from core.api.vendor_inputs import (
    VendorInput,
    VendorUpdateInput,
    VendorUpdateUpload,
    VendorUpload,
)
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

    usage_paths = typed(serializers.JSONField, shapes.USAGE_PATHS, read_only=True)
    settings = driver_settings(read_only=True)

    @extend_schema_field(shapes.OPERATIONS)
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

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": shapes.JSON_OBJECT,
            "description": "Each version's OpenAPI document, by version.",
        }
    )
    def get_api_definitions(self, vendor) -> dict[str, dict]:
        return {version.version: version.api_definition for version in vendor.versions.all()}


# Every vendor write takes JSON and multipart, as it always did; the schema names one body
# format per operation (what client generators handle): JSON, or multipart on the upload routes.
UPLOAD_PARSERS = [parsers.JSONParser, parsers.MultiPartParser]


class VendorListView(TenantView, generics.ListAPIView):
    serializer_class = VendorSerializer
    parser_classes = UPLOAD_PARSERS
    permission_map = {"GET": MEMBERS, "POST": "tenant.manage"}

    def get_queryset(self):
        return Vendor.objects.none() if self.schema_only else selectors.vendors(self.tenant)

    @extend_schema(
        request={"application/json": VendorInput}, responses={201: VendorDetailSerializer}
    )
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
    parser_classes = UPLOAD_PARSERS
    permission_map = {"GET": MEMBERS, "PATCH": "tenant.manage", "DELETE": "tenant.manage"}

    def get(self, request, tenant_slug: str, vendor_id: int):
        found = selectors.vendor(self.tenant, vendor_id)
        return Response(VendorDetailSerializer(found).data)

    @extend_schema(
        request={"application/json": VendorUpdateInput}, responses=VendorDetailSerializer
    )
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


class VendorUploadView(VendorListView):
    """The same as `POST vendors/`, with the OpenAPI document uploaded as a file (multipart);
    `usage_paths` is then JSON text."""

    http_method_names = ["post", "options"]

    @extend_schema(
        request={"multipart/form-data": VendorUpload}, responses={201: VendorDetailSerializer}
    )
    def post(self, request, tenant_slug: str):
        return super().post(request, tenant_slug)


class VendorDetailUploadView(VendorDetailView):
    """The same as `PATCH vendors/{id}/`, with the OpenAPI document uploaded as a file."""

    http_method_names = ["patch", "options"]

    @extend_schema(
        request={"multipart/form-data": VendorUpdateUpload}, responses=VendorDetailSerializer
    )
    def patch(self, request, tenant_slug: str, vendor_id: int):
        return super().patch(request, tenant_slug, vendor_id)
