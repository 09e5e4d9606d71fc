"""Price each call's usage event from its deployment's price table."""

from __future__ import annotations

from typing import Any

from proxy.contract import DeploymentSnapshot
from proxy.costs.prices import Price, PriceTable
from proxy.costs.pricing import cost_of
from proxy.limits.model import Usage
from proxy.usage.event import UsageEvent

# By the identity of a snapshot's prices dict (kept alive beside its table, so the id is not
# reused while cached): parsed once per snapshot loaded.
_TABLES: dict[int, tuple[dict[str, Any], PriceTable]] = {}
_MAX_TABLES = 4096


def table_for(deployment: DeploymentSnapshot) -> PriceTable:
    """The deployment's parsed price table, built once per snapshot."""
    prices = deployment.prices
    found = _TABLES.get(id(prices))
    if found is None:
        if len(_TABLES) >= _MAX_TABLES:
            _TABLES.clear()
        found = _TABLES[id(prices)] = (prices, PriceTable.from_snapshot(prices))
    return found[1]


def price_for(deployment: DeploymentSnapshot, model: str, day: str) -> Price | None:
    if not deployment.prices:
        return None
    return table_for(deployment).price(model, day)


def meter_cost(event: UsageEvent, usage: Usage, deployment: DeploymentSnapshot) -> None:
    """Price the call (left unpriced when its model has no price)."""
    price = price_for(deployment, event.model_answered or event.model_requested, event.ts[:10])
    if price is not None:
        event.cost_pico = cost_of(usage, price)
        event.currency = price.currency
