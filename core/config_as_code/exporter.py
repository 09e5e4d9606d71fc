"""A tenant's configuration as a TenantDoc: what `tollgate export` writes and what the planner
compares a desired document with. Provider keys never leave: an endpoint with a key exports
`credential: {secretRef: stored}`."""

from __future__ import annotations

from core.config_as_code.plan_costs import (
    budget_doc,
    configured_budgets,
    price_doc,
    tenant_prices,
)
from core.config_as_code.plan_targets import primary_weighting, target_docs
from core.config_as_code.schema import (
    ApiDoc,
    EndpointDoc,
    EnvironmentDoc,
    PlanDoc,
    SecretRef,
    TenantDoc,
    VendorDoc,
    VendorVersionDoc,
)
from core.models import AiApi, Endpoint, GatewayEnvironment, Plan, Tenant, Vendor, VendorVersion
from core.services.tenants import PLAN_FIELDS

STORED = SecretRef(secretRef="stored")


def export_tenant(tenant: Tenant) -> TenantDoc:
    return TenantDoc(
        tenant=tenant.slug,
        vendors=[vendor_doc(v) for v in tenant_vendors(tenant)],
        environments=[environment_doc(e) for e in tenant_environments(tenant)],
        plans=[plan_doc(p) for p in Plan.objects.filter(tenant=tenant).order_by("name")],
        apis=[api_doc(a) for a in tenant_apis(tenant)],
        **cost_documents(tenant),
    )


def cost_documents(tenant: Tenant) -> dict:
    return {
        "prices": [price_doc(p) for p in tenant_prices(tenant)],
        "budgets": [budget_doc(b) for b in configured_budgets(tenant)],
    }


def tenant_vendors(tenant: Tenant):
    return Vendor.objects.filter(tenant=tenant).prefetch_related("versions").order_by("slug")


def tenant_environments(tenant: Tenant):
    return GatewayEnvironment.objects.filter(tenant=tenant).order_by("slug")


def tenant_apis(tenant: Tenant):
    return (
        AiApi.objects.filter(tenant=tenant)
        .select_related("vendor_version__vendor")
        .prefetch_related("endpoints", "allowed_plans", "deployments__environment")
        .order_by("name", "version")
    )


def vendor_doc(vendor: Vendor) -> VendorDoc:
    versions = sorted(vendor.versions.all(), key=lambda v: (v.created_at, v.pk))
    return VendorDoc(
        slug=vendor.slug,
        name=vendor.name,
        description=vendor.description,
        versions=[vendor_version_doc(v) for v in versions],
    )


def vendor_version_doc(version: VendorVersion) -> VendorVersionDoc:
    return VendorVersionDoc.model_validate(
        {
            "version": version.version,
            "base_url": version.base_url,
            "auth_scheme": version.auth_scheme,
            "auth_name": version.auth_name,
            "auth_prefix": version.auth_prefix,
            "usage_paths": dict(version.usage_paths),
            "api_definition": dict(version.api_definition),
        }
    )


def environment_doc(environment: GatewayEnvironment) -> EnvironmentDoc:
    return EnvironmentDoc(
        slug=environment.slug,
        name=environment.name,
        description=environment.description,
        gateway_url=environment.gateway_url,
    )


def plan_doc(plan: Plan) -> PlanDoc:
    return PlanDoc(**{field: getattr(plan, field) for field in PLAN_FIELDS})


def endpoint_doc(endpoint: Endpoint) -> EndpointDoc:
    return EndpointDoc(
        url=endpoint.url,
        credential=STORED if endpoint.credential_encrypted else None,
        settings=dict(endpoint.settings),
        **primary_weighting(endpoint),
    )


def api_doc(api: AiApi) -> ApiDoc:
    return ApiDoc.model_validate(
        {
            "name": api.name,
            "version": api.version,
            "context": api.context,
            "vendor": api.vendor_version.vendor.slug,
            "vendor_version": api.vendor_version.version,
            "api_type": api.api_type,
            "description": api.description,
            "tags": list(api.tags),
            "lifecycle_state": api.lifecycle_state,
            "allowed_plans": sorted(p.name for p in api.allowed_plans.all()),
            "backend_limits": dict(api.backend_limits or {}),
            "request_size_limit": api.request_size_limit,
            "gateway_settings": dict(api.gateway_settings or {}),
            "pass_provider_headers": api.pass_provider_headers,
            "endpoints": {e.kind: endpoint_doc(e) for e in sorted(api.endpoints.all(), key=_kind)},
            "policies": [policy.as_spec() for policy in api.policies.all()],
            "deployments": sorted(d.environment.slug for d in api.deployments.all()),
            "is_default_version": api.is_default_version,
            "targets": target_docs(api),
            "routing": dict(api.routing) or None,
        }
    )


def _kind(endpoint: Endpoint) -> str:
    return endpoint.kind
