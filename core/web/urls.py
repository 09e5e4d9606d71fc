from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.web import accounts, invitations, metrics, tokens, views
from core.web.signin import SignInView

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/<slug:tenant_slug>/", accounts.signup, name="signup"),
    path("accounts/verify/<str:token>/", accounts.verify_email, name="verify-email"),
    path("accounts/invitation/<str:token>/", invitations.invitation_page, name="accept-invitation"),
    path("accounts/tokens/", tokens.tokens, name="tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", tokens.revoke, name="token-revoke"),
    path("tenant/switch/", views.switch_tenant_view, name="switch-tenant"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("publisher/", include("publisher.urls")),
    path("devportal/", include("devportal.urls")),
]
