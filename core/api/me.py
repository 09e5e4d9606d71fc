"""The caller: who they are, their tenants, and their personal access tokens."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response

from core import selectors
from core.api import shapes
from core.api.auth import SessionOnly, create_token, revoke_token, token_prefix
from core.api.base import MEMBERS, StrictSerializer, TenantView, parse
from core.api.shapes import typed
from core.models import ROLE_VALUES, PersonalAccessToken, Tenant, TokenAccess
from core.permissions import PERMISSIONS, can
from core.services.tokens import narrow


class MembershipSerializer(serializers.Serializer):
    slug = serializers.CharField(source="tenant.slug")
    name = serializers.CharField(source="tenant.name")
    roles = serializers.ListField(child=serializers.ChoiceField(sorted(ROLE_VALUES)))


class TenantDetailSerializer(MembershipSerializer):
    permissions = serializers.SerializerMethodField()

    def get_permissions(self, membership) -> list[str]:
        return sorted(name for name in PERMISSIONS if can(membership, name))


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.CharField(help_text="May be empty.")
    tenants = serializers.SerializerMethodField()

    @extend_schema_field(MembershipSerializer(many=True))
    def get_tenants(self, user) -> list[dict]:
        request = self.context.get("request")
        return list(MembershipSerializer(visible_memberships(request, user), many=True).data)


def visible_memberships(request, user) -> list:
    """The caller's memberships; through a token, only the token's tenant with its roles."""
    memberships = list(selectors.memberships_of(user))
    token = getattr(request, "auth", None)
    if isinstance(token, PersonalAccessToken):
        return [m for m in (narrow(m, token) for m in memberships) if m is not None]
    return memberships


class TokenSerializer(serializers.ModelSerializer):
    prefix = serializers.SerializerMethodField()
    tenant = serializers.CharField(source="tenant.slug", help_text="The one tenant it reaches.")
    roles = typed(serializers.JSONField, shapes.ROLE_LIST, read_only=True)

    class Meta:
        model = PersonalAccessToken
        fields = [
            "id",
            "name",
            "prefix",
            "tenant",
            "access",
            "roles",
            "created_at",
            "last_used_at",
            "expires_at",
            "revoked_at",
        ]

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
    tenant = serializers.SlugField(
        required=False, help_text="Tenant slug; may be left out by a member of one tenant."
    )
    access = serializers.ChoiceField(
        TokenAccess.choices, default=TokenAccess.READ, help_text="read (default) or write."
    )
    roles = serializers.ListField(
        child=serializers.ChoiceField(sorted(ROLE_VALUES)),
        required=False,
        min_length=1,
        help_text="A subset of your roles in the tenant; all of them when left out.",
    )
    expires_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="Default 90 days from now; at most 365."
    )

    def validate_tenant(self, slug: str) -> Tenant:
        tenant = Tenant.objects.filter(slug=slug).first()
        if tenant is None:
            raise serializers.ValidationError("You are not a member there.")
        return tenant


class MeView(generics.GenericAPIView):
    serializer_class = MeSerializer

    def get(self, request):
        return Response(MeSerializer(request.user, context={"request": request}).data)


class TenantListView(generics.ListAPIView):
    """The tenants the caller belongs to, with their roles in each."""

    serializer_class = MembershipSerializer

    def get_queryset(self):
        return visible_memberships(self.request, self.request.user)


class TenantDetailView(TenantView):
    """One of the caller's tenants, with the permissions their roles grant there."""

    serializer_class = TenantDetailSerializer
    permission_map = {"GET": MEMBERS}

    def get(self, request, tenant_slug: str):
        return Response(TenantDetailSerializer(self.membership).data)


class TokenListView(generics.ListCreateAPIView):
    """The caller's personal access tokens (`Authorization: Bearer tgpat_…`); from a signed-in
    session only."""

    serializer_class = TokenSerializer
    permission_classes = [permissions.IsAuthenticated, SessionOnly]

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
    permission_classes = [permissions.IsAuthenticated, SessionOnly]

    def get(self, request, token_id: int):
        return Response(TokenSerializer(selectors.token(request.user, token_id)).data)

    @extend_schema(responses={204: None})
    def delete(self, request, token_id: int):
        revoke_token(token=selectors.token(request.user, token_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
