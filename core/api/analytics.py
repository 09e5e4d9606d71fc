"""The usage analytics API: requests, errors, tokens and latency over time, from the rollups.

Creators, publishers and admins (`api.analytics`) see the whole tenant's usage. Anyone else
with the developer permission sees only their own applications' usage: the application filter
is forced to their applications, and naming another application answers 404 like any object
that is not theirs. Reads go through core.analytics, which reads the rollups, never raw events.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from core import selectors
from core.analytics import (
    AnalyticsRangeError,
    GroupBy,
    UsageQuery,
    UsageReport,
    usage_report,
)
from core.api.analytics_serializers import (
    DEFAULT_TOP,
    QuotaQueryInput,
    SubscriptionQuotaSerializer,
    UsageQueryInput,
    UsageReportSerializer,
    UsageSummarySerializer,
)
from core.api.base import MEMBERS, TenantView
from core.errors import InvalidInput, NotFound
from core.models import Subscription
from core.permissions import can, require
from core.quota import subscription_quotas

TENANT_WIDE = "api.analytics"
OWN_APPLICATIONS = "devportal.use"
# Rollups store a missing application as 0 and ids start at 1, so this matches no row: a
# developer without applications sees zeros, never the tenant's usage.
NO_APPLICATION = (-1,)
NOT_QUERY_FIELDS = ("format", "limit", "offset")


def parse_query(serializer_class, request: Request) -> dict:
    """Validate query parameters (400 with field errors); unknown ones are refused."""
    params = request.query_params.copy()
    for name in NOT_QUERY_FIELDS:
        params.pop(name, None)
    serializer = serializer_class(data=params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _require_all(rows: QuerySet, ids: Iterable[int], label: str) -> None:
    missing = set(ids) - set(rows.filter(pk__in=set(ids)).values_list("pk", flat=True))
    if missing:
        raise NotFound(f"{label} not found.")


class AnalyticsView(TenantView):
    """Shared by the usage routes: role scope first (403), then input (400), then ids (404)."""

    permission_map = {"GET": MEMBERS}
    reads_may_be_forbidden = True  # a member with neither analytics permission: 403

    def tenant_wide(self) -> bool:
        if can(self.membership, TENANT_WIDE):
            return True
        require(self.membership, OWN_APPLICATIONS)
        return False

    def report(self, request: Request) -> tuple[UsageReport, dict]:
        tenant_wide = self.tenant_wide()
        data = parse_query(UsageQueryInput, request)
        query = self._tenant_query(data) if tenant_wide else self._own_query(data)
        try:
            report = usage_report(query)
        except AnalyticsRangeError as exc:
            raise InvalidInput("Invalid range.", fields={"bucket": [str(exc)]}) from None
        top = data.get("top", DEFAULT_TOP)
        labels = self._labels(query.group_by, report.series[:top], tenant_wide)
        return report, {"labels": labels, "top": top}

    def _query(self, data: dict, api_ids: tuple, application_ids: tuple) -> UsageQuery:
        return UsageQuery(
            tenant_id=self.tenant.pk,
            start=data["start"],
            end=data["end"],
            bucket=data["bucket"],
            group_by=data.get("group_by"),
            api_ids=api_ids,
            application_ids=application_ids,
            key_types=tuple(data.get("key_type", ())),
            environments=tuple(data.get("environment", ())),
        )

    def _tenant_query(self, data: dict) -> UsageQuery:
        api_ids, app_ids = tuple(data.get("api", ())), tuple(data.get("application", ()))
        _require_all(self.tenant.apis.all(), api_ids, "API")
        _require_all(self.tenant.applications.all(), app_ids, "Application")
        return self._query(data, api_ids, app_ids)

    def _own_query(self, data: dict) -> UsageQuery:
        user = self.request.user
        api_ids, app_ids = tuple(data.get("api", ())), tuple(data.get("application", ()))
        own = selectors.applications(self.tenant, user)
        _require_all(own, app_ids, "Application")
        visible = self.tenant.apis.filter(
            Q(pk__in=selectors.catalog(self.tenant).values("pk"))
            | Q(subscriptions__application__owner=user)
        )
        _require_all(visible.distinct(), api_ids, "API")
        app_ids = app_ids or tuple(own.values_list("pk", flat=True)) or NO_APPLICATION
        return self._query(data, api_ids, app_ids)

    def _labels(self, group_by: GroupBy | None, series, tenant_wide: bool) -> dict:
        groups = [s.group for s in series if s.group]
        if group_by is GroupBy.API:
            rows = self.tenant.apis.filter(pk__in=groups).values_list("pk", "name", "version")
            return {pk: f"{name} {version}" for pk, name, version in rows}
        if group_by is GroupBy.APPLICATION:
            apps = self.tenant.applications.filter(pk__in=groups)
            if not tenant_wide:
                apps = apps.filter(owner_id=self.request.user.pk)
            return dict(apps.values_list("pk", "name"))
        return {group: group for group in groups}


class UsageView(AnalyticsView):
    """Series over time: one per group (or one), every bucket of the range, busiest first."""

    serializer_class = UsageReportSerializer

    @extend_schema(parameters=[UsageQueryInput], responses=UsageReportSerializer)
    def get(self, request: Request, tenant_slug: str):
        report, context = self.report(request)
        return Response(UsageReportSerializer(report, context=context).data)


class SummaryView(AnalyticsView):
    """Totals of the range, overall and per group (the portals' top-N tables), no points."""

    serializer_class = UsageSummarySerializer

    @extend_schema(parameters=[UsageQueryInput], responses=UsageSummarySerializer)
    def get(self, request: Request, tenant_slug: str):
        report, context = self.report(request)
        return Response(UsageSummarySerializer(report, context=context).data)


class QuotaListView(TenantView, generics.ListAPIView):
    """The caller's subscriptions with their plan quota used and left in the current window."""

    serializer_class = SubscriptionQuotaSerializer
    permission_map = {"GET": OWN_APPLICATIONS}

    def get_queryset(self) -> QuerySet[Subscription]:
        if self.schema_only:
            return Subscription.objects.none()
        data = parse_query(QuotaQueryInput, self.request)
        rows = selectors.subscriptions(self.tenant, self.request.user).select_related("plan")
        if "application" in data:
            app = selectors.application(self.tenant, self.request.user, data["application"])
            rows = rows.filter(application=app)
        if "api" in data:
            rows = rows.filter(api_id=data["api"])
        return rows.order_by("-created_at", "-pk")

    @extend_schema(parameters=[QuotaQueryInput])
    def get(self, request: Request, tenant_slug: str):
        page = self.paginate_queryset(self.get_queryset())
        quotas = subscription_quotas(page or [])
        return self.get_paginated_response(SubscriptionQuotaSerializer(quotas, many=True).data)
