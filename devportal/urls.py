from django.urls import path

from devportal.views import applications, catalog, keys, subscriptions, tryout, usage

app_name = "devportal"
urlpatterns = [
    path("", catalog.api_list, name="index"),
    path("apis/<uuid:api_uuid>/", catalog.api_detail, name="api-detail"),
    path("apis/<uuid:api_uuid>/subscribe/", subscriptions.subscribe, name="subscribe"),
    path("apis/<uuid:api_uuid>/try-out/", tryout.console, name="tryout"),
    path("apis/<uuid:api_uuid>/try-out/test-key/", tryout.test_key, name="test-key"),
    path(
        "apis/<uuid:api_uuid>/try-out/relay/<path:operation>",
        tryout.relay_call,
        name="tryout-relay",
    ),
    path(
        "subscriptions/<int:subscription_id>/cancel/", subscriptions.unsubscribe, name="unsubscribe"
    ),
    path("applications/", applications.application_list, name="applications"),
    path("applications/new/", applications.application_create, name="application-create"),
    path("applications/<int:app_id>/", applications.application_detail, name="application"),
    path("applications/<int:app_id>/edit/", applications.application_edit, name="application-edit"),
    path(
        "applications/<int:app_id>/delete/",
        applications.application_delete,
        name="application-delete",
    ),
    path(
        "applications/<int:app_id>/keys/<str:key_type>/generate/",
        keys.generate,
        name="key-generate",
    ),
    path("applications/<int:app_id>/keys/<int:key_id>/revoke/", keys.revoke, name="key-revoke"),
    path(
        "applications/<int:app_id>/keys/<int:key_id>/regenerate/",
        keys.regenerate,
        name="key-regenerate",
    ),
    path("applications/<int:app_id>/usage/", usage.application_usage, name="application-usage"),
]
