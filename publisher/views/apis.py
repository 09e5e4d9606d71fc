"""The API list (with search) and an API's overview page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse

from core.models import AiApi, LifecycleState
from core.operations import offered_operations
from core.services.versions import versions_of
from core.web.rendering import render_page
from core.web.requests import MemberRequest
from publisher.gateway import gateway_urls
from publisher.views.common import api_view, portal_view

PAGE_SIZE = 25


def search_apis(request: MemberRequest, query: str, state: str):
    apis = request.tenant.apis.select_related("vendor_version__vendor")
    if query:
        apis = apis.filter(
            Q(name__icontains=query)
            | Q(context__icontains=query)
            | Q(version__icontains=query)
            | Q(description__icontains=query)
            | Q(vendor_version__vendor__name__icontains=query)
        )
    if state in LifecycleState.values:
        apis = apis.filter(lifecycle_state=state)
    return apis.annotate(subscription_count=Count("subscriptions")).order_by("name", "version")


@portal_view("api.view")
def api_list(request: MemberRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    state = request.GET.get("state", "")
    page = Paginator(search_apis(request, query, state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "query": query,
        "state": state,
        "states": LifecycleState.choices,
        "total": request.tenant.apis.count(),
        "section": "apis",
    }
    return render_page(request, "publisher/api_list.html", context, partial="results")


@api_view("api.view")
def overview(request: MemberRequest, api: AiApi) -> HttpResponse:
    context = {
        "api": api,
        "section": "overview",
        "gateway_urls": gateway_urls(api),
        "endpoints": {ep.kind: ep for ep in api.endpoints.all()},
        "deployments": api.deployments.select_related("environment", "revision"),
        "operations": offered_operations(api),
        "subscription_count": api.subscriptions.count(),
        "plans": api.allowed_plans.all(),
        "versions": versions_of(api),
    }
    return render_page(request, "publisher/api_overview.html", context)
