"""The URLs an API answers on at the gateway, as the overview page shows them."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from core.models import AiApi, EndpointKind


@dataclass(frozen=True)
class GatewayUrl:
    environment: str
    kind: str
    url: str
    short_url: str | None  # the default tenant is also served without the /t/{tenant} prefix
    deployed: bool


def gateway_urls(api: AiApi) -> list[GatewayUrl]:
    """One URL per endpoint kind and environment the API is deployed to (else the default)."""
    deployments = list(api.deployments.select_related("environment"))
    bases = [(d.environment.name, d.environment.gateway_url, True) for d in deployments]
    if not bases:
        default = api.tenant.environments.filter(is_default=True).first()
        bases = [(default.name if default else "Default", "", False)]
    route = api.resolved_context
    tenant_slug = api.tenant.slug
    urls = []
    for env_name, env_url, deployed in bases:
        base = (env_url or settings.GATEWAY_URL).rstrip("/")
        short = f"{base}/{route}" if tenant_slug == settings.DEFAULT_TENANT else None
        for kind in EndpointKind:
            urls.append(
                GatewayUrl(env_name, kind.label, f"{base}/t/{tenant_slug}/{route}", short, deployed)
            )
    return urls
