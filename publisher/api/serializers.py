"""Serializers of the publisher REST API. Provider keys are write-only: an endpoint only ever
answers `has_api_key`."""

from __future__ import annotations

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from core import selectors
from core.api import shapes
from core.api.base import StrictSerializer
from core.api.enums import LIFECYCLE_ACTIONS
from core.api.shapes import MAX_INT32, driver_settings, identifier, typed
from core.gateway_urls import gateway_url
from core.models import (
    AiApi,
    ApiType,
    Deployment,
    Endpoint,
    LifecycleEvent,
    LifecycleState,
    Revision,
    SubscriptionStatus,
)
from core.services.lifecycle import ACTION_NAMES, allowed_transitions
from core.services.validation import VERSION_RE

# Output


class EndpointSerializer(serializers.ModelSerializer):
    has_api_key = serializers.BooleanField(source="has_credential", read_only=True)
    settings = driver_settings(read_only=True)

    class Meta:
        model = Endpoint
        fields = ["kind", "url", "settings", "has_api_key", "updated_at"]


class ApiSerializer(serializers.ModelSerializer):
    vendor = serializers.CharField(source="vendor_version.vendor.slug", read_only=True)
    vendor_version = serializers.CharField(source="vendor_version.version", read_only=True)
    route = serializers.CharField(source="resolved_context", read_only=True)
    endpoints = EndpointSerializer(many=True, read_only=True)
    allowed_plans = serializers.SerializerMethodField()
    tags = typed(serializers.JSONField, shapes.TAGS, read_only=True)
    backend_limits = typed(serializers.JSONField, shapes.BACKEND_LIMITS, read_only=True)
    gateway_settings = typed(serializers.JSONField, shapes.GATEWAY_SETTINGS, read_only=True)

    class Meta:
        model = AiApi
        fields = [
            "id",
            "uuid",
            "name",
            "context",
            "version",
            "route",
            "vendor",
            "vendor_version",
            "api_type",
            "description",
            "tags",
            "lifecycle_state",
            "allowed_plans",
            "backend_limits",
            "request_size_limit",
            "gateway_settings",
            "pass_provider_headers",
            "endpoints",
            "is_default_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["is_default_version"]

    def get_allowed_plans(self, api) -> list[int]:
        return sorted(plan.pk for plan in api.allowed_plans.all())


class TransitionSerializer(serializers.Serializer):
    state = serializers.ChoiceField(LifecycleState.choices)
    action = serializers.ChoiceField(LIFECYCLE_ACTIONS)


class LifecycleEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = LifecycleEvent
        fields = ["from_state", "to_state", "actor", "note", "created_at"]


class LifecycleSerializer(serializers.Serializer):
    state = serializers.ChoiceField(LifecycleState.choices, source="lifecycle_state")
    allowed_transitions = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    @extend_schema_field(TransitionSerializer(many=True))
    def get_allowed_transitions(self, api) -> list[dict]:
        return [
            {"state": state, "action": ACTION_NAMES[state]}
            for state in allowed_transitions(api.lifecycle_state)
        ]

    @extend_schema_field(LifecycleEventSerializer(many=True))
    def get_history(self, api) -> list[dict]:
        return list(LifecycleEventSerializer(selectors.lifecycle_history(api), many=True).data)


def public_endpoint(endpoint: dict | None) -> dict | None:
    """A frozen endpoint with its encrypted key replaced by whether it has one."""
    if endpoint is None:
        return None
    return {
        "url": endpoint["url"],
        "settings": endpoint.get("settings", {}),
        "has_api_key": bool(endpoint.get("credential")),
    }


def public_config(config: dict) -> dict:
    """A revision's configuration without the encrypted provider keys."""
    endpoints = config.get("endpoints", {})
    public = {**config, "endpoints": {k: public_endpoint(ep) for k, ep in endpoints.items()}}
    if "pools" in config:
        public["pools"] = {
            kind: [{**t, "endpoint": public_endpoint(t["endpoint"])} for t in targets]
            for kind, targets in config["pools"].items()
        }
    return public


class RevisionSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True)
    deployed_to = serializers.SerializerMethodField()
    config = serializers.SerializerMethodField()

    class Meta:
        model = Revision
        fields = ["number", "description", "created_by", "created_at", "deployed_to", "config"]

    def get_deployed_to(self, revision) -> list[str]:
        return sorted(d.environment.slug for d in revision.deployments.all())

    @extend_schema_field(
        {**shapes.JSON_OBJECT, "description": "The frozen configuration, provider keys left out."}
    )
    def get_config(self, revision) -> dict:
        return public_config(revision.config)


class DeploymentSerializer(serializers.ModelSerializer):
    environment = serializers.CharField(source="environment.slug")
    revision = serializers.IntegerField(source="revision.number")
    deployed_by = serializers.CharField(
        source="deployed_by.username", default=None, allow_null=True
    )
    gateway_url = serializers.SerializerMethodField()

    class Meta:
        model = Deployment
        fields = ["environment", "revision", "deployed_by", "deployed_at", "gateway_url"]

    def get_gateway_url(self, deployment) -> str:
        return gateway_url(deployment.api, deployment.environment)


# Input


class ApiCreateInput(StrictSerializer):
    name = serializers.CharField(max_length=100)
    # A declared field: DRF's metaclass moves it off the class, so it may shadow Field.context.
    context = serializers.CharField(max_length=200)  # type: ignore[assignment]
    version = serializers.CharField(max_length=30)
    vendor = serializers.SlugField(help_text="Vendor slug, e.g. openai, azure-openai, mistral.")
    vendor_version = serializers.CharField(
        max_length=50, required=False, help_text="Vendor version; the newest when omitted."
    )
    description = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=50), required=False)
    api_type = serializers.ChoiceField(ApiType.choices, required=False)
    endpoint_url = serializers.CharField(
        max_length=500,
        required=False,
        help_text="URL for both endpoints; the vendor's base URL when omitted.",
    )


class NewVersionInput(StrictSerializer):
    version = serializers.RegexField(
        VERSION_RE.pattern,
        max_length=30,
        help_text="The new version, e.g. 2.0.0.",
        error_messages={"invalid": "Use 1-30 letters, digits, '.', '-' or '_', e.g. 1.0.0 or v1."},
    )
    make_default = serializers.BooleanField(
        required=False, default=False, help_text="Make it the default version."
    )


def _limit(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_INT32, required=False, **kwargs)


class LimitsInput(StrictSerializer):
    requests = _limit(allow_null=True)
    total_tokens = _limit(allow_null=True)
    prompt_tokens = _limit(allow_null=True)
    completion_tokens = _limit(allow_null=True)
    unit_seconds = _limit()
    stop_on_quota = serializers.BooleanField(required=False)


class BackendLimitsInput(StrictSerializer):
    production = LimitsInput(required=False, allow_null=True)
    sandbox = LimitsInput(required=False, allow_null=True)


class ApiUpdateInput(StrictSerializer):
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(allow_blank=True)
    tags = serializers.ListField(child=serializers.CharField(max_length=50))
    api_type = serializers.ChoiceField(ApiType.choices)
    backend_limits = BackendLimitsInput()
    request_size_limit = serializers.IntegerField(min_value=1, max_value=MAX_INT32, allow_null=True)
    gateway_settings = typed(serializers.DictField, shapes.GATEWAY_SETTINGS)
    pass_provider_headers = serializers.BooleanField(
        help_text="Pass the provider account's own headers (rate limits, organization) on to "
        "callers; off by default."
    )
    allowed_plans = serializers.ListField(child=identifier(), help_text="Plan ids.")

    def __init__(self, *args, tenant=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def validate_allowed_plans(self, ids: list[int]) -> list:
        plans = list(selectors.plans(self.tenant).filter(pk__in=ids))
        missing = sorted(set(ids) - {plan.pk for plan in plans})
        if missing:
            raise serializers.ValidationError(f"No plan {missing[0]} in this tenant.")
        return plans


class EndpointInput(StrictSerializer):
    url = serializers.CharField(max_length=500, required=False)
    api_key = serializers.CharField(
        write_only=True,
        required=False,
        max_length=4096,
        help_text="The provider key; stored encrypted and never returned.",
    )
    clear_api_key = serializers.BooleanField(required=False, help_text="Remove the stored key.")
    settings = driver_settings(required=False)

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        if "api_key" in attrs and attrs.get("clear_api_key"):
            raise serializers.ValidationError(
                {"clear_api_key": ["Send either api_key or clear_api_key, not both."]}
            )
        return attrs


class LifecycleInput(StrictSerializer):
    """Send either `state` or `action` (the move's WSO2 action name), not both."""

    state = serializers.ChoiceField(
        LifecycleState.choices, required=False, help_text="Target state, e.g. PUBLISHED."
    )
    action = serializers.ChoiceField(
        LIFECYCLE_ACTIONS, required=False, help_text="The move's action name, e.g. Publish."
    )
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        if "state" in attrs and "action" in attrs:
            raise serializers.ValidationError({"action": ["Send state or action, not both."]})
        by_action = {name: state for state, name in ACTION_NAMES.items()}
        to_state = attrs.get("state") or by_action.get(attrs.get("action", ""))
        if not to_state:
            raise serializers.ValidationError({"state": ["Send state (or action)."]})
        return {"to_state": to_state, "note": attrs.get("note", "")}


class LifecycleStateInput(StrictSerializer):
    """A move named by its target state."""

    state = serializers.ChoiceField(LifecycleState.choices, help_text="e.g. PUBLISHED.")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


class LifecycleActionInput(StrictSerializer):
    """A move named by its WSO2 action."""

    action = serializers.ChoiceField(LIFECYCLE_ACTIONS, help_text="e.g. Publish.")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True)


# What the schema says LifecycleInput takes: one of the two.
LIFECYCLE_MOVE = PolymorphicProxySerializer(
    component_name="LifecycleMove",
    serializers=[LifecycleStateInput, LifecycleActionInput],
    resource_type_field_name=None,
)


class RevisionInput(StrictSerializer):
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)


class DeployInput(StrictSerializer):
    revision = identifier(help_text="Revision number to deploy.")
    environment = serializers.SlugField(required=False, help_text="Environment slug; default.")


class SubscriptionStatusInput(StrictSerializer):
    partial_on_patch = False
    status = serializers.ChoiceField(SubscriptionStatus.choices)
