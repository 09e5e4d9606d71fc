"""The price table a deployment snapshot carries: built-in list prices under tenant overrides.

Prices are per million tokens (Decimal); the snapshot holds picos per token (integers), which
is the same figure × 10⁶: exact for any price with up to six decimals.
"""

from __future__ import annotations

import json
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from core.models import ModelPrice

BUILTIN_PRICES = Path(__file__).with_name("builtin_prices.json")
PRICE_FIELDS = ("input", "output", "cached_input", "cache_write", "reasoning")


def picos_per_token(per_million: Decimal | str | None) -> int | None:
    if per_million is None:
        return None
    return int(Decimal(per_million) * 1_000_000)


@cache
def builtin_entries() -> dict[str, list[dict[str, Any]]]:
    """Vendor slug → the shipped entries (models, aliases, prices, source, checked date)."""
    return json.loads(BUILTIN_PRICES.read_text())["vendors"]


def _entry(prices: dict[str, Any], currency: str, effective_from: str | None) -> dict[str, Any]:
    return {
        "from": effective_from,
        "currency": currency,
        **{name: picos_per_token(prices.get(name)) for name in PRICE_FIELDS},
    }


def _builtin_table(vendor: str) -> tuple[dict[str, list[dict[str, Any]]], dict[str, str]]:
    models: dict[str, list[dict[str, Any]]] = {}
    aliases: dict[str, str] = {}
    for item in builtin_entries().get(vendor, []):
        entry = _entry(item, "USD", item.get("effective_from"))
        for model in item["models"]:
            models[model] = [entry]
        aliases.update(item.get("aliases") or {})
    return models, aliases


def compiled_prices(tenant_id: int, vendor: str) -> dict[str, Any]:
    """`DeploymentSnapshot.prices` for an API of `vendor` in the tenant (proxy/costs/prices.py):
    a model the tenant prices takes the tenant's entries only."""
    models, aliases = _builtin_table(vendor)
    own: dict[str, list[dict[str, Any]]] = {}
    for row in ModelPrice.objects.filter(tenant_id=tenant_id, vendor=vendor):
        start = row.effective_from.isoformat() if row.effective_from else None
        prices = {name: getattr(row, name) for name in PRICE_FIELDS}
        own.setdefault(row.model, []).append(_entry(prices, row.currency, start))
        aliases.update(dict.fromkeys(row.aliases or [], row.model))
    models.update(own)
    if not models:
        return {}
    return {"models": models, "aliases": aliases}
