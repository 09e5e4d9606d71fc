"""Planning the tenant-wide objects: custom vendors, gateway environments and plans."""

from __future__ import annotations

from functools import partial

from core.config_as_code.changes import Change, Context, differences, reported_at
from core.config_as_code.exporter import (
    environment_doc,
    plan_doc,
    tenant_environments,
    tenant_vendors,
    vendor_version_doc,
)
from core.config_as_code.schema import EnvironmentDoc, PlanDoc, VendorDoc, VendorVersionDoc
from core.models import GatewayEnvironment, Plan, Vendor
from core.services import vendors as vendor_service
from core.services.tenants import save_environment, save_plan


def plan_plans(ctx: Context, desired: list[PlanDoc]) -> list[Change]:
    current = {p.name: p for p in Plan.objects.filter(tenant=ctx.tenant)}
    changes = []
    for index, doc in enumerate(desired):
        plan, path = current.get(doc.name), f"plans[{index}]"
        wanted = doc.model_dump()
        fields = differences(plan_doc(plan).model_dump() if plan else {}, wanted)
        if fields:
            changed = {k: wanted[k] for k in fields}
            run = partial(_save_plan, ctx, path, plan, changed)
            changes.append(
                Change("update" if plan else "create", "plan", doc.name, path, fields, run)
            )
    return changes


def _save_plan(ctx: Context, path: str, plan: Plan | None, fields: dict) -> None:
    with reported_at(path):
        save_plan(tenant=ctx.tenant, actor=ctx.actor, plan=plan, **fields)


def plan_environments(ctx: Context, desired: list[EnvironmentDoc]) -> list[Change]:
    current = {e.slug: e for e in tenant_environments(ctx.tenant)}
    changes = []
    for index, doc in enumerate(desired):
        env, path = current.get(doc.slug), f"environments[{index}]"
        wanted = doc.model_dump()
        fields = differences(environment_doc(env).model_dump() if env else {}, wanted)
        if fields:
            changed = {k: wanted[k] for k in fields}
            run = partial(_save_environment, ctx, path, env, changed)
            action = "update" if env else "create"
            changes.append(Change(action, "environment", doc.slug, path, fields, run))
    return changes


def _save_environment(
    ctx: Context, path: str, env: GatewayEnvironment | None, fields: dict
) -> None:
    with reported_at(path):
        save_environment(tenant=ctx.tenant, actor=ctx.actor, environment=env, **fields)


def plan_vendors(ctx: Context, desired: list[VendorDoc]) -> list[Change]:
    current = {v.slug: v for v in tenant_vendors(ctx.tenant)}
    changes = []
    for index, doc in enumerate(desired):
        vendor, path = current.get(doc.slug), f"vendors[{index}]"
        fields = _vendor_differences(vendor, doc)
        if fields:
            run = partial(_converge_vendor, ctx, path, doc)
            action = "update" if vendor else "create"
            changes.append(Change(action, "vendor", doc.slug, path, fields, run))
    return changes


def _vendor_differences(vendor: Vendor | None, doc: VendorDoc) -> dict:
    fields = differences(
        {"name": vendor.name, "description": vendor.description} if vendor else {},
        {"name": doc.name, "description": doc.description},
    )
    have = {v.version: vendor_version_doc(v) for v in vendor.versions.all()} if vendor else {}
    for version in doc.versions:
        before = have.get(version.version)
        for name, (old, new) in differences(
            before.model_dump() if before else {}, version.model_dump()
        ).items():
            if name == "api_definition":  # too long to show; say that it changes
                old, new = ("…" if old else None), "…"
            fields[f"versions[{version.version}].{name}"] = (old, new)
    return fields


def _converge_vendor(ctx: Context, path: str, doc: VendorDoc) -> None:
    vendor = Vendor.objects.filter(tenant=ctx.tenant, slug=doc.slug).first()
    with reported_at(path):
        if vendor is None:
            first = doc.versions[0]
            vendor = vendor_service.create_custom_vendor(
                tenant=ctx.tenant,
                actor=ctx.actor,
                name=doc.name,
                slug=doc.slug,
                description=doc.description,
                **_version_values(first),
            )
        have = {v.version: vendor_version_doc(v) for v in vendor.versions.all()}
        for version in doc.versions:
            changed = differences(
                have[version.version].model_dump() if version.version in have else {},
                version.model_dump(),
            )
            described = (vendor.name, vendor.description) != (doc.name, doc.description)
            if changed or described:
                values = {k: v for k, v in _version_values(version).items() if k != "version"}
                vendor_service.update_custom_vendor(
                    vendor=vendor,
                    actor=ctx.actor,
                    version=version.version,
                    name=doc.name,
                    description=doc.description,
                    **values,
                )


def _version_values(version: VendorVersionDoc) -> dict:
    return version.model_dump()
