"""Routes of the usage analytics API, mounted under /api/v1/tenants/{tenant_slug}/analytics/.

Empty on purpose: the analytics work (core/analytics.py) adds its views here. Every route
added needs its rows in tests/api/test_permissions.py, or the route-coverage test fails.
"""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
