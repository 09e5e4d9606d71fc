"""Compile Postgres rows into the immutable snapshots the proxy serves (proxy.contract)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.utils import timezone

from core.costs.budget_snapshots import deployment_budgets, key_budgets
from core.costs.price_book import compiled_prices
from core.models import (
    APPLICATION_TIER_LIMITS,
    AiApi,
    ApiKey,
    Deployment,
    Plan,
    Subscription,
)
from core.operations import offered_operations
from core.registry.pools import compiled_pools, freeze_pools
from proxy.public import CONSOLE_STATES, contract, lifecycle


def _vendor(api: AiApi) -> dict:
    vv = api.vendor_version
    auth = contract.Auth(scheme=vv.auth_scheme, name=vv.auth_name, prefix=vv.auth_prefix)
    vendor = contract.Vendor(
        slug=vv.vendor.slug,
        name=vv.vendor.name,
        version=vv.version,
        driver=vv.driver,
        auth=auth,
        usage_paths=dict(vv.usage_paths),
        settings=dict(vv.settings),
    )
    return asdict(vendor)


def _operations(api: AiApi) -> list[dict]:
    return [{"method": op["method"], "path": op["path"]} for op in offered_operations(api)]


def freeze_config(api: AiApi) -> dict:
    """The configuration a revision keeps; provider keys stay encrypted."""
    endpoints: dict[str, dict[str, Any] | None] = dict.fromkeys(("production", "sandbox"))
    for ep in api.endpoints.all():
        endpoints[ep.kind] = {
            "url": ep.url,
            "credential": ep.credential_encrypted,
            "settings": dict(ep.settings),
        }
    return {
        "name": api.name,
        "context": api.context,
        "api_version": api.version,
        "route": api.resolved_context,
        "api_type": api.api_type,
        "vendor": _vendor(api),
        "operations": _operations(api),
        "endpoints": endpoints,
        "allowed_plan_ids": sorted(api.allowed_plans.values_list("pk", flat=True)),
        "backend_limits": {k: v for k, v in (api.backend_limits or {}).items() if v},
        "request_size_limit": api.request_size_limit,
        "gateway_settings": dict(api.gateway_settings or {}),
        "pass_provider_headers": api.pass_provider_headers,
        "pools": freeze_pools(api),
        "routing": dict(api.routing or {}),
        "policies": [policy.as_spec() for policy in api.policies.all()],
    }


def compile_deployment(deployment: Deployment, version: int) -> contract.DeploymentSnapshot | None:
    api = deployment.api
    if api.lifecycle_state not in lifecycle.ROUTED_STATES | CONSOLE_STATES:
        return None
    config = deployment.revision.config
    endpoints = config["endpoints"]
    return contract.DeploymentSnapshot(
        version=version,
        environment=deployment.environment.slug,
        tenant_id=api.tenant_id,
        tenant_slug=api.tenant.slug,
        api_id=api.pk,
        api_uuid=str(api.uuid),
        api_name=config["name"],
        api_version=config["api_version"],
        route=config["route"],
        revision_id=deployment.revision_id,
        revision_number=deployment.revision.number,
        lifecycle_state=api.lifecycle_state,
        api_type=config.get("api_type", "native"),
        vendor=contract.Vendor.from_dict(config["vendor"]),
        operations=tuple(contract.Operation(**op) for op in config["operations"]),
        production=contract.Endpoint(**endpoints["production"])
        if endpoints["production"]
        else None,
        sandbox=contract.Endpoint(**endpoints["sandbox"]) if endpoints["sandbox"] else None,
        allowed_plan_ids=tuple(config["allowed_plan_ids"]),
        backend_limits={
            kind: contract.Limits(**limits) for kind, limits in config["backend_limits"].items()
        },
        request_size_limit=config["request_size_limit"],
        gateway_settings=config["gateway_settings"],
        pass_provider_headers=config.get("pass_provider_headers", False),
        **compiled_pools(config),
        policies=tuple(config.get("policies", ())),  # revisions frozen before policies: none
        prices=compiled_prices(api.tenant_id, config["vendor"]["slug"]),
        budgets=deployment_budgets(api),
    )


def deployment_key_of(deployment: Deployment) -> str:
    return contract.deployment_key(
        deployment.environment.slug, deployment.api.tenant.slug, deployment.revision.config["route"]
    )


def plan_limits(plan: Plan) -> contract.Limits | None:
    limits = contract.Limits(
        requests=plan.request_limit,
        total_tokens=plan.total_token_limit,
        prompt_tokens=plan.prompt_token_limit,
        completion_tokens=plan.completion_token_limit,
        unit_seconds=plan.unit_seconds,
        stop_on_quota=plan.stop_on_quota,
    )
    return None if limits.is_unlimited else limits


def compile_key(key: ApiKey, version: int) -> contract.KeySnapshot | None:
    if not key.is_active:
        return None
    app = key.application
    grants = {
        str(sub.api_id): contract.SubscriptionGrant(
            subscription_id=sub.pk,
            plan_id=sub.plan_id,
            plan_name=sub.plan.name,
            status=sub.status,
            limits=plan_limits(sub.plan),
        )
        for sub in Subscription.objects.filter(application=app).select_related("plan")
    }
    tier_limit = APPLICATION_TIER_LIMITS.get(app.tier)
    return contract.KeySnapshot(
        version=version,
        digest=key.digest,
        key_id=key.pk,
        tenant_id=key.tenant_id,
        tenant_slug=key.tenant.slug,
        application_id=app.pk,
        application_name=app.name,
        key_type=key.key_type,
        expires_at=key.expires_at.timestamp() if key.expires_at else None,
        subscriptions=grants,
        application_limits=contract.Limits(requests=tier_limit) if tier_limit else None,
        console_api_id=key.console_api_id,
        budgets=key_budgets(key),
    )


def active_keys():
    now = timezone.now()
    return (
        ApiKey.objects.filter(revoked_at__isnull=True)
        .exclude(expires_at__lte=now)
        .select_related("application", "tenant")
    )
