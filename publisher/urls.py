from django.urls import include, path

from publisher.views import (
    ai_policies,
    analytics,
    apis,
    costs,
    create,
    deploy,
    endpoints,
    environments,
    gateway_settings,
    knowledge,
    lifecycle,
    members,
    plans,
    policies,
    subscriptions,
    targets,
    test_console,
    vendors,
    versions,
)

app_name = "publisher"

api_pages = [
    path("", apis.overview, name="overview"),
    path("endpoints/", endpoints.endpoints, name="endpoints"),
    path("targets/", targets.targets, name="targets"),
    path("policies/", policies.policies, name="policies"),
    path("gateway/", gateway_settings.gateway, name="gateway"),
    path("ai-policies/", ai_policies.page, name="ai-policies"),
    path("ai-policies/<int:policy_id>/", ai_policies.policy, name="ai-policy"),
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
    path("knowledge/", knowledge.collection_list, name="collections"),
    path("knowledge/<slug:slug>/", knowledge.collection_detail, name="collection"),
    path("knowledge/<slug:slug>/documents/", knowledge.documents, name="collection-documents"),
    path(
        "knowledge/<slug:slug>/documents/<int:document_id>/delete/",
        knowledge.document_delete,
        name="document-delete",
    ),
    path("knowledge/<slug:slug>/delete/", knowledge.collection_delete, name="collection-delete"),
    path("knowledge/<slug:slug>/search/", knowledge.search, name="collection-search"),
    path("knowledge/<slug:slug>/attach/", knowledge.attach, name="collection-attach"),
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
