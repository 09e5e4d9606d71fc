"""Publisher routes, mounted under /api/v1/tenants/{tenant_slug}/apis/."""

from django.urls import path

import core.api.converters  # noqa: F401  (registers the id converter)
from publisher.api import policies, releases, routing, views

API = "<id:api_id>/"

urlpatterns = [
    path("", views.ApiListView.as_view(), name="apis"),
    path(API, views.ApiDetailView.as_view(), name="api"),
    path(API + "endpoints/", views.EndpointListView.as_view(), name="api-endpoints"),
    path(
        API + "endpoints/<endpoint_kind:kind>/",
        views.EndpointDetailView.as_view(),
        name="api-endpoint",
    ),
    path(API + "targets/", routing.TargetListView.as_view(), name="api-targets"),
    path(
        API + "targets/<endpoint_kind:kind>/<slug:name>/",
        routing.TargetDetailView.as_view(),
        name="api-target",
    ),
    path(API + "routing/", routing.RoutingView.as_view(), name="api-routing"),
    path(API + "policies/", policies.PolicyListView.as_view(), name="api-policies"),
    path(API + "policies/order/", policies.PolicyOrderView.as_view(), name="api-policy-order"),
    path(
        API + "policies/<id:policy_id>/",
        policies.PolicyDetailView.as_view(),
        name="api-policy",
    ),
    path(API + "lifecycle/", views.LifecycleView.as_view(), name="api-lifecycle"),
    path(API + "versions/", views.VersionListView.as_view(), name="api-versions"),
    path(API + "revisions/", releases.RevisionListView.as_view(), name="api-revisions"),
    path(
        API + "revisions/<id:number>/", releases.RevisionDetailView.as_view(), name="api-revision"
    ),
    path(API + "deployments/", releases.DeploymentListView.as_view(), name="api-deployments"),
    path(
        API + "deployments/<slug:environment>/",
        releases.DeploymentDetailView.as_view(),
        name="api-deployment",
    ),
    path(
        API + "subscriptions/", releases.ApiSubscriptionListView.as_view(), name="api-subscriptions"
    ),
    path(
        API + "subscriptions/<id:subscription_id>/",
        releases.ApiSubscriptionDetailView.as_view(),
        name="api-subscription",
    ),
]
