"""Writes of prices and budgets: validated, audited, and republished to the proxies."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from core.errors import Conflict, InvalidInput
from core.models import AiApi, Budget, ModelPrice, Tenant
from core.registry.triggers import republish_api, republish_application_keys
from core.secrets import encrypt_credential
from core.services.audit import record
from core.services.validation import clean_endpoint_url

PRICE_FIELDS = (
    "vendor", "model", "aliases", "currency", "input", "output", "cached_input", "cache_write",
    "reasoning", "effective_from", "source",
)  # fmt: skip
BUDGET_FIELDS = (
    "name", "scope", "api", "application", "subscription", "key", "amount", "currency",
    "period", "action", "downgrade_model", "thresholds", "notify_emails", "webhook_url",
    "webhook_secret", "active",
)  # fmt: skip
SCOPE_TARGETS = ("api", "application", "subscription", "key")


def republish_tenant_apis(tenant: Tenant) -> None:
    """Prices and tenant budgets ride on every deployment snapshot of the tenant."""
    for api_id in AiApi.objects.filter(tenant=tenant).values_list("pk", flat=True):
        republish_api(api_id)


@transaction.atomic
def save_price(*, tenant: Tenant, actor, price: ModelPrice | None = None, **fields) -> ModelPrice:
    _refuse_unknown(fields, PRICE_FIELDS, "price")
    price = price or ModelPrice(tenant=tenant)
    for name, value in fields.items():
        setattr(price, name, value)
    _check_price(price)
    clash = ModelPrice.objects.filter(
        tenant=tenant, vendor=price.vendor, model=price.model, effective_from=price.effective_from
    ).exclude(pk=price.pk)
    if clash.exists():
        raise Conflict("Duplicate price.", fields={"model": ["This model has a price from then."]})
    action = "price.update" if price.pk else "price.create"
    price.save()
    record(tenant=tenant, actor=actor, action=action, obj=price, changes=_plain(fields))
    republish_tenant_apis(tenant)
    return price


@transaction.atomic
def delete_price(*, price: ModelPrice, actor) -> None:
    record(tenant=price.tenant, actor=actor, action="price.delete", obj=price)
    price.delete()
    republish_tenant_apis(price.tenant)


def _check_price(price: ModelPrice) -> None:
    errors: dict[str, list[str]] = {}
    for name in ("vendor", "model"):
        if not getattr(price, name):
            errors[name] = ["This field is required."]
    for name in ("input", "output", "cached_input", "cache_write", "reasoning"):
        value = getattr(price, name)
        if value is not None and Decimal(value) < 0:
            errors[name] = ["A price cannot be negative."]
    if price.input is None or price.output is None:
        errors.setdefault("input", ["Input and output prices are required."])
    if not isinstance(price.aliases, list) or not all(isinstance(a, str) for a in price.aliases):
        errors["aliases"] = ["A list of model names."]
    if errors:
        raise InvalidInput("The price is not valid.", fields=errors)


@transaction.atomic
def save_budget(*, tenant: Tenant, actor, budget: Budget | None = None, **fields) -> Budget:
    _refuse_unknown(fields, BUDGET_FIELDS, "budget")
    budget = budget or Budget(tenant=tenant)
    secret = fields.pop("webhook_secret", None)
    for name, value in fields.items():
        setattr(budget, name, value)
    if secret is not None:
        budget.webhook_secret_encrypted = encrypt_credential(secret)
    if budget.webhook_url and "webhook_url" in fields:
        budget.webhook_url = clean_endpoint_url(budget.webhook_url, field="webhook_url")
    _check_budget(tenant, budget)
    clash = Budget.objects.filter(tenant=tenant, name=budget.name).exclude(pk=budget.pk)
    if clash.exists():
        raise Conflict(
            "Duplicate budget.", fields={"name": [f"A budget named {budget.name} exists."]}
        )
    before = _published_scope(budget) if budget.pk else None
    action = "budget.update" if budget.pk else "budget.create"
    budget.save()
    record(tenant=tenant, actor=actor, action=action, obj=budget, changes=_plain(fields))
    for scope in {before, _published_scope(budget)} - {None}:
        _republish(tenant, scope)
    return budget


@transaction.atomic
def delete_budget(*, budget: Budget, actor) -> None:
    scope = _published_scope(budget)
    record(tenant=budget.tenant, actor=actor, action="budget.delete", obj=budget)
    budget.delete()
    _republish(budget.tenant, scope)


def _check_budget(tenant: Tenant, budget: Budget) -> None:
    errors: dict[str, list[str]] = {}
    if not budget.name:
        errors["name"] = ["This field is required."]
    if budget.amount is None or Decimal(budget.amount) <= 0:
        errors["amount"] = ["A budget is a positive amount."]
    for name in SCOPE_TARGETS:
        target = getattr(budget, name)
        if budget.scope == name and target is None:
            errors[name] = [f"This scope needs its {name}."]
        elif budget.scope != name and target is not None:
            errors[name] = [f"Only a {name} budget names a {name}."]
        elif target is not None and _tenant_of(target) != tenant.pk:
            errors[name] = [f"No such {name}."]
    if budget.action == "downgrade" and not budget.downgrade_model:
        errors["downgrade_model"] = ["A downgrading budget names the cheaper model."]
    thresholds = budget.thresholds
    if not isinstance(thresholds, list) or not all(
        isinstance(t, int) and not isinstance(t, bool) and 1 <= t <= 100 for t in thresholds
    ):
        errors["thresholds"] = ["Whole percentages from 1 to 100."]
    if not isinstance(budget.notify_emails, list):
        errors["notify_emails"] = ["A list of email addresses."]
    if budget.webhook_url and not budget.webhook_secret_encrypted:
        errors["webhook_secret"] = ["A webhook needs a secret to sign its calls."]
    if errors:
        raise InvalidInput("The budget is not valid.", fields=errors)


def _tenant_of(target: Any) -> int:
    return target.tenant_id if hasattr(target, "tenant_id") else target.application.tenant_id


def _published_scope(budget: Budget) -> tuple[str, int] | None:
    """Which snapshots carry the budget: the tenant's APIs, one API, or an application's keys."""
    if budget.scope == "tenant":
        return ("tenant", budget.tenant_id)
    if budget.scope == "api" and budget.api_id:
        return ("api", budget.api_id)
    if budget.scope == "application" and budget.application_id:
        return ("application", budget.application_id)
    if budget.scope == "subscription" and budget.subscription:
        return ("application", budget.subscription.application_id)
    if budget.scope == "key" and budget.key:
        return ("application", budget.key.application_id)
    return None


def _republish(tenant: Tenant, scope: tuple[str, int] | None) -> None:
    if scope is None:
        return
    kind, ident = scope
    if kind == "tenant":
        republish_tenant_apis(tenant)
    elif kind == "api":
        republish_api(ident)
    else:
        republish_application_keys(ident)


def _refuse_unknown(fields: dict[str, Any], known: tuple[str, ...], label: str) -> None:
    unknown = set(fields) - set(known)
    if unknown:
        raise InvalidInput(f"Unknown {label} fields: {', '.join(sorted(unknown))}.")


def _plain(fields: dict[str, Any]) -> dict[str, Any]:
    """Audit-safe changes: no secrets, model objects by id, decimals as text."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if name == "webhook_secret":
            continue
        out[name] = getattr(value, "pk", value) if not isinstance(value, Decimal) else str(value)
        if hasattr(out[name], "isoformat"):
            out[name] = out[name].isoformat()
    return out
