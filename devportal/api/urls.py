"""Developer routes, mounted under /api/v1/tenants/{tenant_slug}/."""

from django.urls import path

import core.api.converters  # noqa: F401  (registers the id converter)
from devportal.api import views

APP = "applications/<id:app_id>/"

urlpatterns = [
    path("catalog/", views.CatalogListView.as_view(), name="catalog"),
    path("catalog/<id:api_id>/", views.CatalogDetailView.as_view(), name="catalog-api"),
    path("applications/", views.ApplicationListView.as_view(), name="applications"),
    path(APP, views.ApplicationDetailView.as_view(), name="application"),
    path(APP + "keys/", views.KeyListView.as_view(), name="application-keys"),
    path(APP + "keys/<id:key_id>/", views.KeyDetailView.as_view(), name="application-key"),
    path(
        APP + "keys/<id:key_id>/regenerate/",
        views.KeyRegenerateView.as_view(),
        name="application-key-regenerate",
    ),
    path("subscriptions/", views.SubscriptionListView.as_view(), name="subscriptions"),
    path(
        "subscriptions/<id:subscription_id>/",
        views.SubscriptionDetailView.as_view(),
        name="subscription",
    ),
]
