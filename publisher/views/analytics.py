"""Analytics: requests, errors, tokens and latency over time; top applications and models."""

from __future__ import annotations

from django.http import HttpResponse

from core.analytics import GroupBy, UsageQuery, usage_report
from core.models import AiApi
from core.web.charts import chart_data
from core.web.rendering import render_page
from core.web.requests import MemberRequest
from publisher.charts import DEFAULT_RANGE, RANGES, build_charts, top_rows
from publisher.forms import RangeForm
from publisher.views.common import api_view


def _query(api: AiApi, range_key: str, group_by: GroupBy | None = None) -> UsageQuery:
    time_range = RANGES[range_key]
    start, end = time_range.window()
    return UsageQuery(
        tenant_id=api.tenant_id,
        start=start,
        end=end,
        bucket=time_range.bucket,
        group_by=group_by,
        api_ids=(api.pk,),
    )


@api_view("api.analytics")
def analytics(request: MemberRequest, api: AiApi) -> HttpResponse:
    form = RangeForm(request.GET or None)
    range_key = form.cleaned_data["range"] if form.is_valid() else DEFAULT_RANGE
    time_range = RANGES[range_key]
    report = usage_report(_query(api, range_key))
    by_app = usage_report(_query(api, range_key, GroupBy.APPLICATION))
    by_model = usage_report(_query(api, range_key, GroupBy.MODEL))
    app_names = dict(request.tenant.applications.values_list("pk", "name"))
    charts = build_charts(report, time_range)
    context = {
        "api": api,
        "section": "analytics",
        "form": form,
        "range": range_key,
        "range_label": time_range.label,
        "totals": report.totals,
        "charts": charts,
        "chart_data": chart_data(charts),
        "top_applications": top_rows(by_app.series, app_names),
        "top_models": top_rows(by_model.series, {}),
    }
    return render_page(request, "publisher/api_analytics.html", context, partial="panel")
