"""Publisher REST API: an API's AI policies (guardrails, PII, prompt templates and decorators),
in execution order. Changes go live with the next deployed revision."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from core import selectors
from core.api import shapes
from core.api.base import StrictSerializer, TenantView, parse
from core.api.schema import example
from core.api.shapes import typed
from core.models import ApiPolicy, PolicyFlow
from core.services import policies as policy_services
from proxy.public import POLICY_KINDS

PARAMETERS = {
    **shapes.JSON_OBJECT,
    "description": "The policy type's parameters; docs/policies.md lists them per type.",
}


class PolicySerializer(serializers.ModelSerializer):
    parameters = typed(serializers.JSONField, PARAMETERS)

    class Meta:
        model = ApiPolicy
        fields = ["id", "kind", "flow", "operation", "name", "parameters", "position"]


class PolicyInput(StrictSerializer):
    partial_on_patch = True
    kind = serializers.ChoiceField(sorted(POLICY_KINDS))
    flow = serializers.ChoiceField(PolicyFlow.choices, default=PolicyFlow.REQUEST)
    operation = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Empty: every operation."
    )
    name = serializers.CharField(max_length=64, required=False, allow_blank=True)
    parameters = typed(serializers.DictField, PARAMETERS, required=False)


class PolicyOrderInput(StrictSerializer):
    partial_on_patch = False
    order = serializers.ListField(
        child=serializers.IntegerField(), help_text="Every policy id of the API, in order."
    )


GUARD_EXAMPLE = {
    "kind": "regex_guard",
    "flow": "request",
    "name": "no-passwords",
    "parameters": {"pattern": "(?i)password", "mode": "block"},
}


class PolicyListView(TenantView):
    serializer_class = PolicySerializer
    pagination_class = None  # a short list: a plain array
    permission_map = {"GET": "api.view", "POST": "api.update"}

    @extend_schema(responses=PolicySerializer(many=True))
    def get(self, request, tenant_slug: str, api_id: int):
        api = selectors.api(self.tenant, api_id)
        return Response(PolicySerializer(selectors.api_policies(api), many=True).data)

    @extend_schema(
        request=PolicyInput,
        responses={201: PolicySerializer},
        examples=[example("Refuse prompts that mention passwords", GUARD_EXAMPLE)],
    )
    def post(self, request, tenant_slug: str, api_id: int):
        api = selectors.api(self.tenant, api_id)
        policy = policy_services.add_policy(
            api=api, actor=request.user, **parse(PolicyInput, request)
        )
        return Response(PolicySerializer(policy).data, status=status.HTTP_201_CREATED)


class PolicyDetailView(TenantView):
    serializer_class = PolicySerializer
    permission_map = {"GET": "api.view", "PATCH": "api.update", "DELETE": "api.update"}

    def _policy(self, api_id: int, policy_id: int) -> ApiPolicy:
        return selectors.api_policy(selectors.api(self.tenant, api_id), policy_id)

    def get(self, request, tenant_slug: str, api_id: int, policy_id: int):
        return Response(PolicySerializer(self._policy(api_id, policy_id)).data)

    @extend_schema(request=PolicyInput, responses=PolicySerializer)
    def patch(self, request, tenant_slug: str, api_id: int, policy_id: int):
        policy = self._policy(api_id, policy_id)
        changes = parse(PolicyInput, request, partial=True)
        policy = policy_services.update_policy(policy=policy, actor=request.user, **changes)
        return Response(PolicySerializer(policy).data)

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, api_id: int, policy_id: int):
        policy = self._policy(api_id, policy_id)
        policy_services.remove_policy(policy=policy, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PolicyOrderView(TenantView):
    serializer_class = PolicySerializer
    pagination_class = None  # the API's policies in their new order: a plain array
    permission_map = {"POST": "api.update"}

    @extend_schema(request=PolicyOrderInput, responses=PolicySerializer(many=True))
    def post(self, request, tenant_slug: str, api_id: int):
        api = selectors.api(self.tenant, api_id)
        order = parse(PolicyOrderInput, request)["order"]
        policies = policy_services.reorder_policies(api=api, actor=request.user, order=order)
        return Response(PolicySerializer(policies, many=True).data)
