"""`--prune`: delete what the document leaves out (APIs first, as plans and vendors they use
cannot go before them). Each deletion goes through its service, which refuses what is still in
use (an API with subscriptions, a plan with subscribers, the default environment)."""

from __future__ import annotations

from functools import partial

from core.config_as_code.changes import Change, Context, reported_at
from core.config_as_code.exporter import tenant_apis, tenant_environments, tenant_vendors
from core.config_as_code.schema import TenantDoc
from core.models import Plan
from core.services import apis, tenants, vendors


def plan_deletions(ctx: Context, doc: TenantDoc) -> list[Change]:
    keep_apis = {a.key for a in doc.apis}
    keep_plans = {p.name for p in doc.plans}
    keep_vendors = {v.slug for v in doc.vendors}
    keep_environments = {e.slug for e in doc.environments}
    found = [
        ("api", f"{api.name} {api.version}", partial(apis.delete_api, api=api))
        for api in tenant_apis(ctx.tenant)
        if f"{api.name} {api.version}" not in keep_apis
    ]
    found += [
        ("plan", plan.name, partial(tenants.delete_plan, plan=plan))
        for plan in Plan.objects.filter(tenant=ctx.tenant).order_by("name")
        if plan.name not in keep_plans
    ]
    found += [
        ("vendor", vendor.slug, partial(vendors.delete_custom_vendor, vendor=vendor))
        for vendor in tenant_vendors(ctx.tenant)
        if vendor.slug not in keep_vendors
    ]
    found += [
        ("environment", env.slug, partial(tenants.delete_environment, environment=env))
        for env in tenant_environments(ctx.tenant)
        if env.slug not in keep_environments
    ]
    return [
        Change("delete", kind, name, f"{kind}:{name}", {}, partial(_delete, ctx, kind, name, run))
        for kind, name, run in found
    ]


def _delete(ctx: Context, kind: str, name: str, delete) -> None:
    with reported_at(f"{kind}:{name}"):
        delete(actor=ctx.actor)
