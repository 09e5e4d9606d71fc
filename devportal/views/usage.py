"""Usage of one application: requests and tokens over time, by API and by model, and quotas."""

from __future__ import annotations

from django.http import HttpResponse

from core.web.charts import chart_data
from core.web.rendering import render_page
from devportal import usage
from devportal.portal import DeveloperRequest, developer_view
from devportal.views.common import own_application


@developer_view
def application_usage(request: DeveloperRequest, app_id: int) -> HttpResponse:
    app = own_application(request, app_id)
    range_key = request.GET.get("range", usage.DEFAULT_RANGE)
    if range_key not in usage.RANGES:
        range_key = usage.DEFAULT_RANGE
    report = usage.report_for(app, range_key)
    charts = usage.charts(report, range_key) if report.available else []
    context = {
        "application": app,
        "report": report,
        "charts": charts,
        "chart_data": chart_data(charts),
        "quotas": usage.quotas(app),
        "ranges": [(key, label) for key, (label, _span) in usage.RANGES.items()],
        "range_key": range_key,
        "range_label": usage.RANGES[range_key][0],
        "section": "applications",
    }
    return render_page(request, "devportal/application_usage.html", context, partial="usage")
