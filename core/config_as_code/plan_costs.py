"""Planning, exporting and pruning the document's prices and budgets."""

from __future__ import annotations

from functools import partial
from typing import Any

from core.config_as_code.changes import Change, Context, differences, refuse, reported_at
from core.config_as_code.cost_docs import BudgetDoc, PriceDoc
from core.config_as_code.schema import SecretRef
from core.costs import services
from core.models import AiApi, Budget, ModelPrice, Tenant

PRICE_DOC_FIELDS = tuple(PriceDoc.model_fields)
BUDGET_DOC_FIELDS = tuple(name for name in BudgetDoc.model_fields if name != "webhook_secret")


def price_doc(price: ModelPrice) -> PriceDoc:
    return PriceDoc(**{name: getattr(price, name) for name in PRICE_DOC_FIELDS})


def budget_doc(budget: Budget) -> BudgetDoc:
    values = {name: getattr(budget, name) for name in BUDGET_DOC_FIELDS if name != "api"}
    values["api"] = f"{budget.api.name} {budget.api.version}" if budget.api else ""
    secret = SecretRef(secretRef="stored") if budget.webhook_secret_encrypted else None
    return BudgetDoc(**values, webhook_secret=secret)


def tenant_prices(tenant: Tenant) -> list[ModelPrice]:
    return list(ModelPrice.objects.filter(tenant=tenant))


def configured_budgets(tenant: Tenant) -> list[Budget]:
    """The budgets the document holds: the tenant's and its APIs' (not developers' objects)."""
    return list(
        Budget.objects.filter(tenant=tenant, scope__in=("tenant", "api"))
        .select_related("api")
        .order_by("name")
    )


def plan_prices(ctx: Context, desired: list[PriceDoc]) -> list[Change]:
    current = {price_doc(p).key: p for p in tenant_prices(ctx.tenant)}
    changes = []
    for index, doc in enumerate(desired):
        price, path = current.get(doc.key), f"prices[{index}]"
        wanted = doc.model_dump()
        fields = differences(price_doc(price).model_dump() if price else {}, wanted)
        if fields:
            run = partial(_save_price, ctx, path, price, wanted)
            changes.append(
                Change("update" if price else "create", "price", doc.key, path, fields, run)
            )
    return changes


def _save_price(ctx: Context, path: str, price: ModelPrice | None, fields: dict) -> None:
    with reported_at(path):
        services.save_price(tenant=ctx.tenant, actor=ctx.actor, price=price, **fields)


def plan_budgets(ctx: Context, desired: list[BudgetDoc]) -> list[Change]:
    current = {b.name: b for b in configured_budgets(ctx.tenant)}
    changes = []
    for index, doc in enumerate(desired):
        budget, path = current.get(doc.name), f"budgets[{index}]"
        # A secret reference cannot be compared with the stored secret: it is written when
        # the budget has none yet, or when anything else changes.
        wanted = doc.model_dump(exclude={"webhook_secret"})
        before = budget_doc(budget).model_dump(exclude={"webhook_secret"}) if budget else {}
        fields = differences(before, wanted)
        if budget and doc.webhook_secret and not budget.webhook_secret_encrypted:
            fields["webhook_secret"] = (None, "…")
        if fields:
            run = partial(_save_budget, ctx, path, budget, doc)
            action = "update" if budget else "create"
            changes.append(Change(action, "budget", doc.name, path, fields, run))
    return changes


def _save_budget(ctx: Context, path: str, budget: Budget | None, doc: BudgetDoc) -> None:
    values: dict[str, Any] = {name: getattr(doc, name) for name in BUDGET_DOC_FIELDS}
    values["api"] = _api_named(ctx.tenant, doc.api, path) if doc.scope == "api" else None
    if doc.webhook_secret is not None and doc.webhook_secret.secretRef != "stored":
        name = doc.webhook_secret.secretRef.removeprefix("env:")
        secret = ctx.read_secret(name)
        if secret is None:
            raise refuse(f"{path}.webhook_secret", f"The environment variable {name} is not set.")
        values["webhook_secret"] = secret
    with reported_at(path):
        services.save_budget(tenant=ctx.tenant, actor=ctx.actor, budget=budget, **values)


def _api_named(tenant: Tenant, key: str, path: str) -> AiApi:
    name, _, version = key.rpartition(" ")
    api = AiApi.objects.filter(tenant=tenant, name=name, version=version).first()
    if api is None:
        raise refuse(f"{path}.api", f"No API {key!r} (write `name version`).")
    return api


def cost_deletions(ctx: Context, prices: list[PriceDoc], budgets: list[BudgetDoc]) -> list[Change]:
    keep_prices = {doc.key for doc in prices}
    keep_budgets = {doc.name for doc in budgets}
    found = [
        ("price", price_doc(p).key, partial(services.delete_price, price=p))
        for p in tenant_prices(ctx.tenant)
        if price_doc(p).key not in keep_prices
    ]
    found += [
        ("budget", b.name, partial(services.delete_budget, budget=b))
        for b in configured_budgets(ctx.tenant)
        if b.name not in keep_budgets
    ]
    return [
        Change("delete", kind, name, f"{kind}:{name}", {}, partial(run, actor=ctx.actor))
        for kind, name, run in found
    ]
