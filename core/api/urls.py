"""The one URL tree of the REST API, under /api/v1/ (namespace `api`)."""

from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

import core.api.converters  # noqa: F401, E402  (registers the id converter)
from core.api import errors, me, session, tenant_admin, tokens, vendors

app_name = "api"

TENANT = "tenants/<slug:tenant_slug>/"

tenant_routes: list[URLPattern | URLResolver] = [
    path("", me.TenantDetailView.as_view(), name="tenant"),
    path("apis/", include("publisher.api.urls")),
    path("", include("devportal.api.urls")),
    path("plans/", tenant_admin.PlanListView.as_view(), name="plans"),
    path("plans/<id:plan_id>/", tenant_admin.PlanDetailView.as_view(), name="plan"),
    path("environments/", tenant_admin.EnvironmentListView.as_view(), name="environments"),
    path(
        "environments/<slug:environment>/",
        tenant_admin.EnvironmentDetailView.as_view(),
        name="environment",
    ),
    path("members/", tenant_admin.MemberListView.as_view(), name="members"),
    path("members/<id:user_id>/", tenant_admin.MemberDetailView.as_view(), name="member"),
    path("invitations/", tenant_admin.InvitationListView.as_view(), name="invitations"),
    path(
        "invitations/<id:invitation_id>/",
        tenant_admin.InvitationDetailView.as_view(),
        name="invitation",
    ),
    path("vendors/", vendors.VendorListView.as_view(), name="vendors"),
    path("vendors/upload/", vendors.VendorUploadView.as_view(), name="vendors-upload"),
    path("vendors/<id:vendor_id>/", vendors.VendorDetailView.as_view(), name="vendor"),
    path(
        "vendors/<id:vendor_id>/upload/",
        vendors.VendorDetailUploadView.as_view(),
        name="vendor-upload",
    ),
    path("audit/", tenant_admin.AuditLogView.as_view(), name="audit"),
    path("analytics/", include("core.api.analytics_urls")),
    path("knowledge/", include("core.api.knowledge_urls")),
    path("config/", include("core.api.config_as_code")),
    path("", include("core.api.cost_urls")),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("auth/session/", session.SessionView.as_view(), name="session"),
    path("auth/token/", tokens.PasswordTokenView.as_view(), name="auth-token"),
    path("me/", me.MeView.as_view(), name="me"),
    path("me/tokens/", me.TokenListView.as_view(), name="me-tokens"),
    path("me/tokens/<id:token_id>/", me.TokenDetailView.as_view(), name="me-token"),
    path("tenants/", me.TenantListView.as_view(), name="tenants"),
    path(TENANT, include(tenant_routes)),
    # Last: any other path under /api/v1/ answers the JSON envelope.
    re_path(r"", errors.not_found, name="not-found"),
]
