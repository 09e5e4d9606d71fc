"""Where callers reach an API: the one builder of gateway URLs for portals, REST and services.

An API answers on `{base}/t/{tenant}/{route}` for every tenant, where `base` is the
environment's own gateway URL, else `GATEWAY_URL`. The default tenant is also served without
the `/t/{tenant}` prefix: that short form is an alias, shown next to the full URL, never
instead of it (the full URL keeps working if the default tenant changes).
"""

from __future__ import annotations

from django.conf import settings

from core.models import AiApi, GatewayEnvironment


def gateway_base(environment: GatewayEnvironment | None = None) -> str:
    """The environment's gateway URL, else GATEWAY_URL (the proxy the web tier knows)."""
    configured = environment.gateway_url if environment is not None else ""
    return (configured or settings.GATEWAY_URL).rstrip("/")


def gateway_path(api: AiApi) -> str:
    return f"/t/{api.tenant.slug}/{api.resolved_context}"


def gateway_url(api: AiApi, environment: GatewayEnvironment | None = None) -> str:
    """The URL an application calls, e.g. `https://gw.example/t/acme/2.3.0/openai`."""
    return gateway_base(environment) + gateway_path(api)


def short_gateway_url(api: AiApi, environment: GatewayEnvironment | None = None) -> str | None:
    """The prefix-free alias, for the default tenant's APIs only."""
    if api.tenant.slug != settings.DEFAULT_TENANT:
        return None
    return f"{gateway_base(environment)}/{api.resolved_context}"
