"""Browse the tenant's APIs and read one API's page."""

from __future__ import annotations

from typing import cast

from django.core.paginator import Paginator
from django.http import HttpResponse

from core.models import Subscription
from core.web.rendering import render_page
from devportal import catalog
from devportal.forms import CatalogFilterForm, SubscribeForm
from devportal.portal import DeveloperRequest, PortalRequest, browse_view
from devportal.samples import samples_for
from devportal.views.common import own_applications

PAGE_SIZE = 24


@browse_view
def api_list(request: PortalRequest) -> HttpResponse:
    tenant = request.portal.tenant
    providers, tags = catalog.facets(tenant)
    form = CatalogFilterForm(request.GET or None, providers=providers, tags=tags)
    wanted = form.to_filter()
    groups = catalog.group_versions(catalog.search(tenant, wanted))
    paginator = Paginator(groups, PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": paginator.get_page(request.GET.get("page")),
        "total": len(groups),
        "filtered": any((wanted.query, wanted.provider, wanted.tag)),
        "filter_query": query.urlencode(),
        "section": "apis",
    }
    return render_page(request, "devportal/api_list.html", context, partial="results")


@browse_view
def api_detail(request: PortalRequest, api_uuid) -> HttpResponse:
    api = catalog.get_visible_api(request.portal.tenant, api_uuid)
    return render_page(request, "devportal/api_detail.html", detail_context(request, api))


def detail_context(request: PortalRequest, api, form: SubscribeForm | None = None) -> dict:
    ops = catalog.operations(api)
    urls = catalog.gateway_urls(api)
    sample_base = urls[0].url if urls else catalog.tryout_base_url(api)
    sample_operation = catalog.preferred_operation(ops)
    return {
        "api": api,
        "operations": ops,
        "gateway_urls": urls,
        "samples": samples_for(sample_base, sample_operation),
        "sample_operation": sample_operation,
        "plans": api.allowed_plans.all(),
        "versions": catalog.other_versions(api),
        "section": "apis",
        **subscription_context(request, api, form),
    }


def subscription_context(request: PortalRequest, api, form: SubscribeForm | None = None) -> dict:
    """What the API page's subscription panel needs, for the signed-in developer."""
    portal = request.portal
    if not portal.can_develop:
        return {"callable": catalog.is_callable(api)}
    developer = cast(DeveloperRequest, request)  # may develop: a signed-in member
    applications = own_applications(developer)
    subscribed = Subscription.objects.filter(api=api, application__in=applications)
    available = unsubscribed_applications(developer, api)
    if form is None and catalog.takes_subscriptions(api):
        form = SubscribeForm(api=api, applications=available)
    return {
        "callable": catalog.is_callable(api),
        "takes_subscriptions": catalog.takes_subscriptions(api),
        "needs_subscription": catalog.needs_subscription(api),
        "subscriptions": subscribed.select_related("application", "plan"),
        "has_applications": applications.exists(),
        "available_applications": available,
        "subscribe_form": form,
    }


def unsubscribed_applications(request: DeveloperRequest, api):
    """The developer's applications that could still subscribe to this API."""
    return own_applications(request).exclude(subscriptions__api=api)
