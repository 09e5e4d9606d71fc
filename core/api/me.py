"""The caller: who they are, their tenants, and their personal access tokens."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from core import selectors
from core.api.auth import create_token, revoke_token, token_prefix
from core.api.base import MEMBERS, StrictSerializer, TenantView, parse
from core.models import PersonalAccessToken
from core.permissions import PERMISSIONS, can


class MembershipSerializer(serializers.Serializer):
    slug = serializers.CharField(source="tenant.slug")
    name = serializers.CharField(source="tenant.name")
    roles = serializers.ListField(child=serializers.CharField())


class TenantDetailSerializer(MembershipSerializer):
    permissions = serializers.SerializerMethodField()

    def get_permissions(self, membership) -> list[str]:
        return sorted(name for name in PERMISSIONS if can(membership, name))


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField()
    tenants = serializers.SerializerMethodField()

    def get_tenants(self, user) -> list[dict]:
        return list(MembershipSerializer(selectors.memberships_of(user), many=True).data)


class TokenSerializer(serializers.ModelSerializer):
    prefix = serializers.SerializerMethodField()

    class Meta:
        model = PersonalAccessToken
        fields = ["id", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at"]

    def get_prefix(self, token) -> str:
        return token_prefix(token)


class NewTokenSerializer(TokenSerializer):
    token = serializers.SerializerMethodField(help_text="The token itself, shown only once.")

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]

    def get_token(self, token) -> str:
        return self.context["plaintext"]


class TokenInput(StrictSerializer):
    name = serializers.CharField(max_length=100)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class MeView(generics.GenericAPIView):
    serializer_class = MeSerializer

    def get(self, request):
        return Response(MeSerializer(request.user).data)


class TenantListView(generics.ListAPIView):
    """The tenants the caller belongs to, with their roles in each."""

    serializer_class = MembershipSerializer

    def get_queryset(self):
        return selectors.memberships_of(self.request.user)


class TenantDetailView(TenantView):
    """One of the caller's tenants, with the permissions their roles grant there."""

    serializer_class = TenantDetailSerializer
    permission_map = {"GET": MEMBERS}

    def get(self, request, tenant_slug: str):
        return Response(TenantDetailSerializer(self.membership).data)


class TokenListView(generics.ListCreateAPIView):
    """The caller's personal access tokens (`Authorization: Bearer tgpat_…`)."""

    serializer_class = TokenSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PersonalAccessToken.objects.none()
        return selectors.tokens(self.request.user)

    @extend_schema(request=TokenInput, responses={201: NewTokenSerializer})
    def post(self, request):
        token, plaintext = create_token(user=request.user, **parse(TokenInput, request))
        body = NewTokenSerializer(token, context={"plaintext": plaintext}).data
        return Response(body, status=status.HTTP_201_CREATED)


class TokenDetailView(generics.GenericAPIView):
    serializer_class = TokenSerializer

    def get(self, request, token_id: int):
        return Response(TokenSerializer(selectors.token(request.user, token_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, token_id: int):
        revoke_token(token=selectors.token(request.user, token_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
