"""The URLs an API answers on at the gateway, as the overview page shows them."""

from __future__ import annotations

from dataclasses import dataclass

from core.gateway_urls import gateway_url, short_gateway_url
from core.models import AiApi, EndpointKind, GatewayEnvironment


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
    bases: list[tuple[str, GatewayEnvironment | None, bool]] = [
        (d.environment.name, d.environment, True) for d in deployments
    ]
    if not bases:
        default = api.tenant.environments.filter(is_default=True).first()
        # Not deployed yet: where it will answer, at GATEWAY_URL.
        bases = [(default.name if default else "Default", None, False)]
    urls = []
    for env_name, environment, deployed in bases:
        url, short = gateway_url(api, environment), short_gateway_url(api, environment)
        for kind in EndpointKind:
            urls.append(GatewayUrl(env_name, kind.label, url, short, deployed))
    return urls
