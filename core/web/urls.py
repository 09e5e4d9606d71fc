from django.contrib.auth import views as auth_views
from django.urls import include, path

from core.web import views
from core.web.signin import SignInView

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/signup/<slug:tenant_slug>/", views.signup, name="signup"),
    path("accounts/invitation/<str:token>/", views.accept_invitation, name="accept-invitation"),
    path("tenant/switch/", views.switch_tenant_view, name="switch-tenant"),
    path("healthz", views.healthz, name="healthz"),
    path("publisher/", include("publisher.urls")),
    path("devportal/", include("devportal.urls")),
]
