"""What tenant admins manage: members and roles, invitations, plans, gateway environments,
and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from core import selectors
from core.api import shapes
from core.api.base import MEMBERS, StrictSerializer, TenantView, parse
from core.api.shapes import MAX_INT32, typed
from core.models import (
    ROLE_VALUES,
    AuditLog,
    GatewayEnvironment,
    Invitation,
    InvitationState,
    Membership,
    Plan,
)
from core.services import invitations as invitation_services
from core.services import tenants as tenant_services

ROLE_CHOICES = sorted(ROLE_VALUES)


class MemberSerializer(serializers.ModelSerializer):
    user_id = serializers.IntegerField(source="user.pk")
    username = serializers.CharField(source="user.username")
    email = serializers.CharField(source="user.email", help_text="May be empty.")
    roles = typed(serializers.JSONField, shapes.ROLE_LIST, read_only=True)

    class Meta:
        model = Membership
        fields = ["user_id", "username", "email", "roles", "created_at"]


class RolesInput(StrictSerializer):
    partial_on_patch = False
    roles = serializers.ListField(child=serializers.ChoiceField(ROLE_CHOICES), min_length=1)


class InvitationSerializer(serializers.ModelSerializer):
    invited_by = serializers.CharField(source="invited_by.username", default=None, allow_null=True)
    state = serializers.ChoiceField(InvitationState.choices, read_only=True)
    roles = typed(serializers.JSONField, shapes.ROLE_LIST, read_only=True)
    accepted_by = serializers.CharField(
        source="accepted_by.username", default=None, allow_null=True
    )
    revoked_by = serializers.CharField(source="revoked_by.username", default=None, allow_null=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "roles",
            "state",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "accepted_by",
            "revoked_at",
            "revoked_by",
        ]


class NewInvitationSerializer(InvitationSerializer):
    invite_url = serializers.SerializerMethodField(help_text="The link to send; shown only once.")

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "invite_url"]

    def get_invite_url(self, invitation) -> str:
        path = reverse("accept-invitation", args=[self.context["token"]])
        return settings.SITE_URL.rstrip("/") + path


class InvitationInput(RolesInput):
    email = serializers.EmailField()


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["id", *tenant_services.PLAN_FIELDS]


def _limit_field() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, max_value=MAX_INT32, required=False, allow_null=True
    )


class PlanInput(StrictSerializer):
    name = serializers.CharField(max_length=60)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    request_limit = _limit_field()
    total_token_limit = _limit_field()
    prompt_token_limit = _limit_field()
    completion_token_limit = _limit_field()
    unit_seconds = serializers.IntegerField(min_value=1, max_value=31 * 86400, required=False)
    stop_on_quota = serializers.BooleanField(required=False)


class EnvironmentSerializer(serializers.ModelSerializer):
    gateway_url = typed(serializers.CharField, shapes.URL_OR_EMPTY, read_only=True)

    class Meta:
        model = GatewayEnvironment
        fields = ["slug", "name", "description", "gateway_url", "is_default"]


class EnvironmentInput(StrictSerializer):
    slug = serializers.SlugField(max_length=63)
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True)
    gateway_url = typed(
        serializers.URLField, shapes.URL_OR_EMPTY, max_length=300, required=False, allow_blank=True
    )


class AuditSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)
    changes = typed(serializers.JSONField, shapes.AUDIT_CHANGES, read_only=True)

    class Meta:
        model = AuditLog
        fields = [
            "id",
            "created_at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
        ]


class MemberListView(TenantView, generics.ListAPIView):
    serializer_class = MemberSerializer
    permission_map = {"GET": "tenant.manage"}

    def get_queryset(self):
        return Membership.objects.none() if self.schema_only else selectors.members(self.tenant)


class MemberDetailView(TenantView):
    serializer_class = MemberSerializer
    permission_map = {"GET": "tenant.manage", "PATCH": "tenant.manage", "DELETE": "tenant.manage"}

    def get(self, request, tenant_slug: str, user_id: int):
        return Response(MemberSerializer(selectors.member(self.tenant, user_id)).data)

    @extend_schema(request=RolesInput, responses=MemberSerializer)
    def patch(self, request, tenant_slug: str, user_id: int):
        membership = tenant_services.change_roles(
            membership=selectors.member(self.tenant, user_id),
            actor=request.user,
            **parse(RolesInput, request),
        )
        return Response(MemberSerializer(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, user_id: int):
        membership = selectors.member(self.tenant, user_id)
        tenant_services.remove_member(membership=membership, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class InvitationListView(TenantView, generics.ListAPIView):
    serializer_class = InvitationSerializer
    permission_map = {"GET": "tenant.manage", "POST": "tenant.manage"}

    def get_queryset(self):
        if self.schema_only:
            return Invitation.objects.none()
        return selectors.invitations(self.tenant)

    @extend_schema(request=InvitationInput, responses={201: NewInvitationSerializer})
    def post(self, request, tenant_slug: str):
        invitation, token = invitation_services.invite(
            tenant=self.tenant, actor=request.user, **parse(InvitationInput, request)
        )
        body = NewInvitationSerializer(invitation, context={"token": token}).data
        return Response(body, status=status.HTTP_201_CREATED)


class InvitationDetailView(TenantView):
    """One invitation with its state; DELETE revokes it (its link stops working)."""

    serializer_class = InvitationSerializer
    permission_map = {"GET": "tenant.manage", "DELETE": "tenant.manage"}

    def get(self, request, tenant_slug: str, invitation_id: int):
        found = selectors.invitation(self.tenant, invitation_id)
        return Response(InvitationSerializer(found).data)

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, invitation_id: int):
        found = selectors.invitation(self.tenant, invitation_id)
        invitation_services.revoke(invitation=found, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlanListView(TenantView, generics.ListAPIView):
    serializer_class = PlanSerializer
    permission_map = {"GET": MEMBERS, "POST": "tenant.manage"}

    def get_queryset(self):
        return Plan.objects.none() if self.schema_only else selectors.plans(self.tenant)

    @extend_schema(request=PlanInput, responses={201: PlanSerializer})
    def post(self, request, tenant_slug: str):
        plan = tenant_services.save_plan(
            tenant=self.tenant, actor=request.user, **parse(PlanInput, request)
        )
        return Response(PlanSerializer(plan).data, status=status.HTTP_201_CREATED)


class PlanDetailView(TenantView):
    serializer_class = PlanSerializer
    permission_map = {"GET": MEMBERS, "PATCH": "tenant.manage", "DELETE": "tenant.manage"}

    def get(self, request, tenant_slug: str, plan_id: int):
        return Response(PlanSerializer(selectors.plan(self.tenant, plan_id)).data)

    @extend_schema(request=PlanInput, responses=PlanSerializer)
    def patch(self, request, tenant_slug: str, plan_id: int):
        plan = tenant_services.save_plan(
            tenant=self.tenant,
            actor=request.user,
            plan=selectors.plan(self.tenant, plan_id),
            **parse(PlanInput, request, partial=True),
        )
        return Response(PlanSerializer(plan).data)

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, plan_id: int):
        plan = selectors.plan(self.tenant, plan_id)
        tenant_services.delete_plan(plan=plan, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EnvironmentListView(TenantView, generics.ListAPIView):
    serializer_class = EnvironmentSerializer
    permission_map = {"GET": MEMBERS, "POST": "tenant.manage"}

    def get_queryset(self):
        if self.schema_only:
            return GatewayEnvironment.objects.none()
        return selectors.environments(self.tenant)

    @extend_schema(request=EnvironmentInput, responses={201: EnvironmentSerializer})
    def post(self, request, tenant_slug: str):
        environment = tenant_services.save_environment(
            tenant=self.tenant, actor=request.user, **parse(EnvironmentInput, request)
        )
        return Response(EnvironmentSerializer(environment).data, status=status.HTTP_201_CREATED)


class EnvironmentDetailView(TenantView):
    serializer_class = EnvironmentSerializer
    permission_map = {"GET": MEMBERS, "PATCH": "tenant.manage", "DELETE": "tenant.manage"}

    def get(self, request, tenant_slug: str, environment: str):
        found = selectors.environment(self.tenant, environment)
        return Response(EnvironmentSerializer(found).data)

    @extend_schema(request=EnvironmentInput, responses=EnvironmentSerializer)
    def patch(self, request, tenant_slug: str, environment: str):
        saved = tenant_services.save_environment(
            tenant=self.tenant,
            actor=request.user,
            environment=selectors.environment(self.tenant, environment),
            **parse(EnvironmentInput, request, partial=True),
        )
        return Response(EnvironmentSerializer(saved).data)

    @extend_schema(responses={204: None})
    def delete(self, request, tenant_slug: str, environment: str):
        found = selectors.environment(self.tenant, environment)
        tenant_services.delete_environment(environment=found, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AuditLogView(TenantView, generics.ListAPIView):
    """The tenant's audit log, newest first; filter with ?action=… and ?object_type=…."""

    serializer_class = AuditSerializer
    permission_map = {"GET": "audit.view"}

    def get_queryset(self):
        if self.schema_only:
            return AuditLog.objects.none()
        rows = selectors.audit_log(self.tenant)
        for name in ("action", "object_type"):
            value = self.request.query_params.get(name)
            if value:
                rows = rows.filter(**{name: value})
        return rows

    @extend_schema(
        parameters=[
            OpenApiParameter("action", str, description="e.g. key.create"),
            OpenApiParameter("object_type", str, description="e.g. apikey"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
