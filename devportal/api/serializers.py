"""Serializers of the developer REST API. A key's plaintext appears only in the response that
created it."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import shapes
from core.api.base import StrictSerializer
from core.api.shapes import identifier, typed
from core.gateway_urls import gateway_url
from core.models import AiApi, ApiKey, Application, ApplicationTier, EndpointKind


class CatalogPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()


class GatewaySerializer(serializers.Serializer):
    environment = serializers.CharField()
    url = serializers.CharField()


class CatalogApiSerializer(serializers.ModelSerializer):
    vendor = serializers.CharField(source="vendor_version.vendor.name")
    route = serializers.CharField(source="resolved_context")
    tags = typed(serializers.JSONField, shapes.TAGS, read_only=True)
    plans = CatalogPlanSerializer(source="allowed_plans", many=True)
    operations = serializers.SerializerMethodField()
    gateways = serializers.SerializerMethodField()

    class Meta:
        model = AiApi
        fields = [
            "id",
            "name",
            "version",
            "description",
            "tags",
            "lifecycle_state",
            "vendor",
            "api_type",
            "route",
            "plans",
            "operations",
            "gateways",
        ]

    @extend_schema_field(shapes.OPERATIONS)
    def get_operations(self, api) -> list[dict]:
        return api.vendor_version.operations()

    @extend_schema_field(GatewaySerializer(many=True))
    def get_gateways(self, api) -> list[dict]:
        return [
            {"environment": d.environment.slug, "url": gateway_url(api, d.environment)}
            for d in api.deployments.select_related("environment")
        ]


class ApplicationSerializer(serializers.ModelSerializer):
    subscription_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Application
        fields = [
            "id",
            "name",
            "description",
            "tier",
            "is_default",
            "created_at",
            "subscription_count",
        ]


class ApplicationInput(StrictSerializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True)
    tier = serializers.ChoiceField(ApplicationTier.choices, required=False)


class KeySerializer(serializers.ModelSerializer):
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = ApiKey
        fields = [
            "id",
            "key_type",
            "name",
            "prefix",
            "is_test_key",
            "is_active",
            "created_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
        ]


class NewKeySerializer(KeySerializer):
    key = serializers.SerializerMethodField(help_text="The key itself, shown only this once.")

    class Meta(KeySerializer.Meta):
        fields = [*KeySerializer.Meta.fields, "key"]

    def get_key(self, key) -> str:
        return self.context["plaintext"]


class KeyInput(StrictSerializer):
    key_type = serializers.ChoiceField(EndpointKind.choices)
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class SubscribeInput(StrictSerializer):
    application = identifier(help_text="One of your applications.")
    api = identifier(help_text="An API of the catalog.")
    plan = identifier(help_text="A plan the API offers.")


class SubscriptionChangeInput(StrictSerializer):
    partial_on_patch = False
    plan = identifier(help_text="Another plan the API offers.")
