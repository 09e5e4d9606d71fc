"""Config as code: a tenant's vendors, environments, plans and APIs as a YAML document, and
applying such a document idempotently (`manage.py tollgate export|diff|apply`, and REST).

Applying goes through the services, so every change is audited and reaches the gateway's
registry; it runs in one transaction, so a refused change leaves nothing half-applied.
"""

from __future__ import annotations

from django.db import transaction

from core.config_as_code.changes import Change, Context, SecretReader
from core.config_as_code.exporter import export_tenant
from core.config_as_code.plan_apis import plan_apis
from core.config_as_code.plan_costs import cost_deletions, plan_budgets, plan_prices
from core.config_as_code.plan_tenant import plan_environments, plan_plans, plan_vendors
from core.config_as_code.prune import plan_deletions
from core.config_as_code.render import render_changes
from core.config_as_code.schema import (
    ConfigError,
    TenantDoc,
    dump_document,
    parse_document,
    validate_data,
)
from core.models import Tenant

__all__ = [
    "Change",
    "ConfigError",
    "TenantDoc",
    "apply_document",
    "dump_document",
    "export_tenant",
    "no_secrets",
    "parse_document",
    "plan_document",
    "render_changes",
    "validate_data",
]


def no_secrets(name: str) -> str | None:
    raise ConfigError(
        "The document cannot be applied.",
        {"credential": [f"env:{name}: environment references are read by `manage.py tollgate "
                        "apply` only; here use `stored`, or set the key on the endpoint."]},
    )  # fmt: skip


def plan_document(
    tenant: Tenant,
    doc: TenantDoc,
    *,
    actor=None,
    read_secret: SecretReader = no_secrets,
    prune: bool = False,
) -> list[Change]:
    """The changes applying `doc` would make, in the order they would run. Without `prune`,
    what the document leaves out stays; with it, it is deleted (after the other changes)."""
    ctx = Context(tenant=tenant, actor=actor, read_secret=read_secret)
    return [
        *plan_vendors(ctx, doc.vendors),
        *plan_environments(ctx, doc.environments),
        *plan_plans(ctx, doc.plans),
        *plan_apis(ctx, doc.apis),
        *plan_prices(ctx, doc.prices),
        *plan_budgets(ctx, doc.budgets),
        *(cost_deletions(ctx, doc.prices, doc.budgets) if prune else []),
        *(plan_deletions(ctx, doc) if prune else []),
    ]


@transaction.atomic
def apply_document(
    tenant: Tenant,
    doc: TenantDoc,
    *,
    actor=None,
    read_secret: SecretReader = no_secrets,
    prune: bool = False,
) -> list[Change]:
    changes = plan_document(tenant, doc, actor=actor, read_secret=read_secret, prune=prune)
    for change in changes:
        change.run()
    return changes
