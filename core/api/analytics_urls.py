"""Routes of the usage analytics API, mounted under /api/v1/tenants/{tenant_slug}/analytics/.

Every route added needs its rows in tests/api/test_permissions.py, or the route-coverage test
fails. docs/analytics.md describes them.
"""

from django.urls import path

from core.api import analytics, cost_export

urlpatterns = [
    path("usage/", analytics.UsageView.as_view(), name="analytics-usage"),
    path("summary/", analytics.SummaryView.as_view(), name="analytics-summary"),
    path("quotas/", analytics.QuotaListView.as_view(), name="analytics-quotas"),
    path("export/", cost_export.CostExportView.as_view(), name="analytics-export"),
]
