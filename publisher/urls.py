from django.urls import include, path

from publisher.views import (
    analytics,
    apis,
    costs,
    create,
    deploy,
    endpoints,
    environments,
    gateway_settings,
    lifecycle,
    members,
    plans,
    policies,
    subscriptions,
    test_console,
    vendors,
    versions,
)

app_name = "publisher"

api_pages = [
    path("", apis.overview, name="overview"),
    path("endpoints/", endpoints.endpoints, name="endpoints"),
    path("policies/", policies.policies, name="policies"),
    path("gateway/", gateway_settings.gateway, name="gateway"),
    path("deploy/", deploy.deploy, name="deploy"),
    path("lifecycle/", lifecycle.lifecycle, name="lifecycle"),
    path("subscriptions/", subscriptions.subscriptions, name="subscriptions"),
    path("analytics/", analytics.analytics, name="analytics"),
    path("test/", test_console.console, name="test"),
    path("test/relay/<path:operation>", test_console.relay_call, name="test-relay"),
    path("new-version/", versions.new_version, name="new-version"),
    path("default-version/", versions.make_default, name="default-version"),
]

urlpatterns = [
    path("", apis.api_list, name="index"),
    path("apis/new/", create.choose_provider, name="create"),
    path("apis/new/details/", create.enter_details, name="create-details"),
    path("apis/<uuid:api_uuid>/", include(api_pages)),
    path("costs/", costs.costs, name="costs"),
    path("costs/budgets/<int:budget_id>/delete/", costs.budget_delete, name="budget-delete"),
    path("settings/members/", members.members, name="members"),
    path("settings/plans/", plans.plan_list, name="plans"),
    path("settings/plans/<int:plan_id>/", plans.plan_edit, name="plan-edit"),
    path("settings/environments/", environments.environment_list, name="environments"),
    path(
        "settings/environments/<slug:slug>/", environments.environment_edit, name="environment-edit"
    ),
    path("settings/vendors/", vendors.vendor_list, name="vendors"),
    path("settings/vendors/new/", vendors.vendor_create, name="vendor-create"),
    path("settings/vendors/<int:vendor_id>/", vendors.vendor_edit, name="vendor-edit"),
]
