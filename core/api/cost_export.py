"""The usage analytics as CSV: one row per (bucket, group) with tokens and cost."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request

from core.analytics import UsageReport
from core.api.analytics import AnalyticsView
from core.api.analytics_serializers import UsageQueryInput

COLUMNS = (
    "bucket_start", "group", "label", "requests", "errors", "prompt_tokens",
    "completion_tokens", "total_tokens", "cost",
)  # fmt: skip


class CostExportView(AnalyticsView):
    """The same query as /analytics/usage/ (scoped the same way), every series, as CSV."""

    @extend_schema(
        parameters=[UsageQueryInput],
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR)},
    )
    def get(self, request: Request, tenant_slug: str):
        report, context = self.report(request)
        response = HttpResponse(csv_of(report, context["labels"]), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="usage-costs.csv"'
        return response


def csv_of(report: UsageReport, labels: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for series in report.series:
        label = labels.get(series.group, "" if series.group is None else str(series.group))
        for point in series.points:
            if not point.requests:
                continue
            writer.writerow(
                [
                    point.start.isoformat(), "" if series.group is None else series.group, label,
                    point.requests, point.errors, point.prompt_tokens, point.completion_tokens,
                    point.total_tokens, f"{point.cost:f}",
                ]
            )  # fmt: skip
    return out.getvalue()
