"""Reads for the catalog: which of a tenant's APIs a developer sees, and what each offers.

Which states are listed, take subscriptions or are open to any tenant key is the lifecycle
table (proxy/lifecycle.py, docs/lifecycle.md); an API that is not listed answers 404.
A listed API without a live deployment is shown, marked "not deployed": its docs can be read
and it can be subscribed to, but it is not callable, so Try Out is off.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from core.gateway_urls import gateway_url
from core.models import AiApi, Deployment, Tenant
from core.web.console import Operation, operations, preferred_operation
from proxy.public import lifecycle

__all__ = ["Operation", "operations", "preferred_operation"]  # and what is defined below


@dataclass(frozen=True)
class CatalogFilter:
    query: str = ""
    provider: str = ""
    tag: str = ""


@dataclass(frozen=True)
class GatewayUrl:
    environment: str
    url: str
    production: bool
    sandbox: bool


def visible_apis(tenant: Tenant) -> QuerySet[AiApi]:
    return (
        tenant.apis.filter(lifecycle_state__in=lifecycle.LISTED_STATES)
        .select_related("vendor_version__vendor")
        .annotate(is_deployed=Exists(Deployment.objects.filter(api=OuterRef("pk"))))
    )


def get_visible_api(tenant: Tenant, api_uuid) -> AiApi:
    """The API if this tenant's developers may see it; 404 otherwise (other tenants too)."""
    return get_object_or_404(visible_apis(tenant), uuid=api_uuid)


def search(tenant: Tenant, wanted: CatalogFilter) -> list[AiApi]:
    apis = visible_apis(tenant)
    if wanted.query:
        q = wanted.query
        apis = apis.filter(
            Q(name__icontains=q)
            | Q(description__icontains=q)
            | Q(context__icontains=q)
            | Q(vendor_version__vendor__name__icontains=q)
            | Q(pk__in=_ids_tagged(tenant, q, exact=False))
        )
    if wanted.provider:
        apis = apis.filter(vendor_version__vendor__slug=wanted.provider)
    if wanted.tag:
        apis = apis.filter(pk__in=_ids_tagged(tenant, wanted.tag, exact=True))
    return list(apis.order_by("name", "version"))


def _ids_tagged(tenant: Tenant, text: str, *, exact: bool) -> list[int]:
    """Tags are a JSON list; matched in Python so SQLite (embedded mode) and Postgres agree."""
    text = text.lower()
    rows = visible_apis(tenant).values_list("pk", "tags")
    return [
        pk
        for pk, tags in rows
        if any((tag.lower() == text) if exact else (text in tag.lower()) for tag in tags or [])
    ]


def facets(tenant: Tenant) -> tuple[list[tuple[str, str]], list[str]]:
    """The providers (slug, name) and tags present among the visible APIs, for the filters."""
    providers: dict[str, str] = {}
    tags: set[str] = set()
    for api in visible_apis(tenant):
        vendor = api.vendor_version.vendor
        providers[vendor.slug] = vendor.name
        tags.update(api.tags or [])
    return sorted(providers.items(), key=lambda item: item[1].lower()), sorted(tags, key=str.lower)


def is_callable(api: AiApi) -> bool:
    deployed = getattr(api, "is_deployed", None)
    if deployed is None:
        deployed = api.deployments.exists()
    return bool(deployed)


def takes_subscriptions(api: AiApi) -> bool:
    return api.lifecycle_policy.takes_subscriptions


def needs_subscription(api: AiApi) -> bool:
    return not api.lifecycle_policy.open_to_tenant_keys


def tryout_base_url(api: AiApi) -> str:
    """Where the portal's Try Out relay reaches the gateway (the proxy the web tier knows)."""
    return gateway_url(api)


def gateway_urls(api: AiApi) -> list[GatewayUrl]:
    """One row per environment the API is deployed to; the key's type picks the endpoint."""
    rows = []
    for deployment in api.deployments.select_related("environment", "revision"):
        endpoints = deployment.revision.config.get("endpoints", {})
        rows.append(
            GatewayUrl(
                environment=deployment.environment.name,
                url=gateway_url(api, deployment.environment),
                production=bool(endpoints.get("production")),
                sandbox=bool(endpoints.get("sandbox")),
            )
        )
    return rows


@dataclass(frozen=True)
class VersionGroup:
    """The listed versions of one API (same name and context); `primary` is the default one,
    else the newest."""

    primary: AiApi
    versions: tuple[AiApi, ...]


def group_versions(apis: list[AiApi]) -> list[VersionGroup]:
    groups: dict[tuple[str, str], list[AiApi]] = {}
    for api in apis:
        groups.setdefault((api.name, api.context), []).append(api)
    return [VersionGroup(_primary(found), tuple(found)) for found in groups.values()]


def _primary(versions: list[AiApi]) -> AiApi:
    defaults = [api for api in versions if api.is_default_version]
    return defaults[0] if defaults else max(versions, key=lambda api: api.created_at)


def other_versions(api: AiApi) -> list[AiApi]:
    """The API's listed versions (itself included), oldest first."""
    return list(
        visible_apis(api.tenant).filter(name=api.name, context=api.context).order_by("created_at")
    )
