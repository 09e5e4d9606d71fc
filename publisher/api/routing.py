"""Publisher REST API for target pools: each side's targets (the endpoint is `primary`) with
their circuit health, and the API's routing settings (docs/routing.md)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from core import selectors
from core.api.base import StrictSerializer, TenantView, parse
from core.api.schema import example
from core.api.shapes import MAX_INT32, driver_settings
from core.errors import NotFound
from core.models import AiApi, EndpointKind
from core.models.routing import PRIMARY
from core.routing_health import pool_health
from core.services import targets as target_services
from core.services.apis import UNCHANGED
from proxy.public import RoutingPolicy

STRATEGIES = ("weighted", "latency", "least_busy", "sticky")
FAILURE_KINDS = ("connect", "timeout", "429", "5xx")


class HealthSerializer(serializers.Serializer):
    state = serializers.ChoiceField(("closed", "open", "half_open", "unknown"))
    failures = serializers.IntegerField(allow_null=True)
    open_until = serializers.DateTimeField(allow_null=True)


class TargetSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(EndpointKind.choices)
    name = serializers.CharField()
    url = serializers.CharField()
    vendor = serializers.CharField(allow_null=True, help_text="Null: the API's own vendor.")
    model = serializers.CharField(help_text="Replaces the caller's model; empty keeps it.")
    weight = serializers.IntegerField()
    priority = serializers.IntegerField()
    settings = driver_settings()
    has_api_key = serializers.BooleanField()
    health = HealthSerializer()


class TargetInput(StrictSerializer):
    name = serializers.SlugField(max_length=50, required=False, help_text="Only when adding.")
    url = serializers.CharField(max_length=500, required=False)
    api_key = serializers.CharField(
        write_only=True,
        required=False,
        max_length=4096,
        help_text="The target's provider key; stored encrypted and never returned.",
    )
    clear_api_key = serializers.BooleanField(required=False, help_text="Remove the stored key.")
    vendor = serializers.SlugField(
        required=False, allow_null=True, help_text="Another vendor (OpenAI-compatible APIs)."
    )
    vendor_version = serializers.CharField(max_length=50, required=False)
    model = serializers.CharField(max_length=200, required=False, allow_blank=True)
    weight = serializers.IntegerField(min_value=0, max_value=1000, required=False)
    priority = serializers.IntegerField(min_value=0, max_value=100, required=False)
    settings = driver_settings(required=False)

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        if "api_key" in attrs and attrs.get("clear_api_key"):
            raise serializers.ValidationError(
                {"clear_api_key": ["Send either api_key or clear_api_key, not both."]}
            )
        return attrs


class RoutingSerializer(StrictSerializer):
    strategy = serializers.ChoiceField(STRATEGIES, required=False)
    sticky_header = serializers.CharField(max_length=100, required=False)
    retry_on = serializers.ListField(
        child=serializers.ChoiceField(FAILURE_KINDS), required=False, max_length=4
    )
    max_attempts = serializers.IntegerField(min_value=1, max_value=10, required=False)
    deadline_seconds = serializers.FloatField(min_value=0.001, max_value=3600, required=False)
    attempt_timeout_seconds = serializers.FloatField(
        min_value=0.001, max_value=3600, required=False, allow_null=True
    )
    circuit_failures = serializers.IntegerField(min_value=0, max_value=MAX_INT32, required=False)
    circuit_error_rate = serializers.FloatField(
        min_value=0.001, max_value=1, required=False, allow_null=True
    )
    circuit_window = serializers.IntegerField(min_value=2, max_value=1000, required=False)
    suspend_seconds = serializers.FloatField(min_value=0.001, max_value=3600, required=False)
    max_retry_after_seconds = serializers.FloatField(min_value=0, max_value=3600, required=False)


def pool_rows(api: AiApi) -> list[dict[str, Any]]:
    """Every side's targets, the endpoint first as `primary`, each with its circuit's health."""
    rows: list[dict[str, Any]] = []
    targets = list(api.targets.select_related("vendor_version__vendor"))
    for endpoint in api.endpoints.all():
        side = [
            _row(endpoint.kind, PRIMARY, endpoint, None, "", endpoint.weight, endpoint.priority)
        ]
        side += [
            _row(t.kind, t.name, t, t.vendor_version, t.model, t.weight, t.priority)
            for t in targets
            if t.kind == endpoint.kind
        ]
        health = pool_health(api.tenant_id, api.pk, endpoint.kind, [r["name"] for r in side])
        rows += [{**row, "health": health[row["name"]]} for row in side]
    return rows


def _row(kind, name, holder, vendor_version, model, weight, priority) -> dict[str, Any]:
    return {
        "kind": kind,
        "name": name,
        "url": holder.url,
        "vendor": vendor_version.vendor.slug if vendor_version else None,
        "model": model,
        "weight": weight,
        "priority": priority,
        "settings": dict(holder.settings),
        "has_api_key": holder.has_credential,
    }


def _one(api: AiApi, kind: str, name: str) -> dict[str, Any]:
    for row in pool_rows(api):
        if row["kind"] == kind and row["name"] == name:
            return row
    raise NotFound(f"{api.name} has no {kind} target {name!r}.")


class TargetListView(TenantView):
    """The targets of both sides, each side's endpoint first as `primary`."""

    serializer_class = TargetSerializer
    pagination_class = None
    permission_map = {"GET": "api.view"}

    @extend_schema(responses=TargetSerializer(many=True))
    def get(self, request, tenant_slug: str, api_id: int):
        api = selectors.api(self.tenant, api_id)
        return Response(TargetSerializer(pool_rows(api), many=True).data)


class TargetDetailView(TenantView):
    """One target. PATCH adds it when missing or changes it (`primary`, the endpoint, takes
    only weight and priority); the provider key is write-only (`api_key`)."""

    serializer_class = TargetSerializer
    permission_map = {"GET": "api.view", "PATCH": "api.update", "DELETE": "api.update"}

    def get(self, request, tenant_slug: str, api_id: int, kind: str, name: str):
        api = selectors.api(self.tenant, api_id)
        return Response(TargetSerializer(_one(api, kind, name)).data)

    @extend_schema(
        request=TargetInput,
        responses=TargetSerializer,
        examples=[
            example(
                "A fallback on Anthropic",
                {"url": "https://api.anthropic.com", "api_key": "sk-ant-...",
                 "vendor": "anthropic", "model": "claude-3-5-haiku-latest", "priority": 1},
            )
        ],
    )  # fmt: skip
    def patch(self, request, tenant_slug: str, api_id: int, kind: str, name: str):
        api = selectors.api(self.tenant, api_id)
        data = parse(TargetInput, request)
        data.pop("name", None)
        if name == PRIMARY:
            target_services.set_primary(
                api=api,
                kind=kind,
                actor=request.user,
                weight=data.get("weight", 1),
                priority=data.get("priority", 0),
            )
            return Response(TargetSerializer(_one(api, kind, name)).data)
        credential = data.get("api_key", None if data.get("clear_api_key") else UNCHANGED)
        vendor_version = UNCHANGED
        if "vendor" in data:
            vendor_version = (
                selectors.vendor_version_by_slug(
                    self.tenant, data["vendor"], data.get("vendor_version", "")
                )
                if data["vendor"]
                else None
            )
        target_services.save_target(
            api=api,
            kind=kind,
            name=name,
            actor=request.user,
            url=data.get("url", UNCHANGED),
            credential=credential,
            settings=data.get("settings", UNCHANGED),
            vendor_version=vendor_version,
            model=data.get("model", UNCHANGED),
            weight=data.get("weight", UNCHANGED),
            priority=data.get("priority", UNCHANGED),
        )
        return Response(TargetSerializer(_one(api, kind, name)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, api_id: int, kind: str, name: str):
        api = selectors.api(self.tenant, api_id)
        target_services.delete_target(api=api, kind=kind, name=name, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RoutingView(TenantView):
    """How the API's pools balance, retry and break circuits: every setting, defaults filled
    in. PATCH changes the settings it names."""

    serializer_class = RoutingSerializer
    permission_map = {"GET": "api.view", "PATCH": "api.update"}

    @extend_schema(responses=RoutingSerializer)
    def get(self, request, tenant_slug: str, api_id: int):
        api = selectors.api(self.tenant, api_id)
        return Response(RoutingPolicy.from_dict(api.routing).to_dict())

    @extend_schema(
        request=RoutingSerializer,
        responses=RoutingSerializer,
        examples=[example("Latency first", {"strategy": "latency", "max_attempts": 2})],
    )
    def patch(self, request, tenant_slug: str, api_id: int):
        api = selectors.api(self.tenant, api_id)
        changes = parse(RoutingSerializer, request, partial=True)
        routing = {**api.routing, **changes}
        if "retry_on" in routing:
            routing["retry_on"] = list(routing["retry_on"])
        target_services.set_routing(api=api, actor=request.user, routing=routing)
        return Response(RoutingPolicy.from_dict(api.routing).to_dict())
