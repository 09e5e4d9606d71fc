"""A deployment's price table: the price of a model on a date, aliases and dated names resolved.

The control plane compiles it into `DeploymentSnapshot.prices` as
`{"models": {model: [entry, ...]}, "aliases": {alias: model}}`, an entry being
`{"from": "YYYY-MM-DD" | None, "currency": "USD", "input": picos per token, "output": …,
"cached_input": … | None, "cache_write": … | None, "reasoning": … | None}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Dated or versioned names of one model: gpt-4o-2024-08-06, claude-sonnet-4-5-20250929,
# gemini-2.5-flash-001, claude-3-5-haiku-latest, models/gemini-2.5-pro.
_VERSION_SUFFIX = re.compile(r"(-\d{4}-\d{2}-\d{2}|-\d{8}|-\d{3}|-latest|-preview(-[\w-]+)?)$")
PICOS_PER_MICRO = 1_000_000
MAX_REMEMBERED = 4096  # model names a table remembers the price of (callers may send any)


@dataclass(frozen=True, slots=True)
class Price:
    """Picos of `currency` per token, by kind. A snapshot entry without a cached, cache-write
    or reasoning price gets the input (cache) or output (reasoning) price here."""

    currency: str
    input: int
    output: int
    cached_input: int
    cache_write: int
    reasoning: int
    effective_from: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Price:
        input_, output = int(data["input"]), int(data["output"])
        return cls(
            currency=data.get("currency") or "USD",
            input=input_,
            output=output,
            cached_input=_or(data.get("cached_input"), input_),
            cache_write=_or(data.get("cache_write"), input_),
            reasoning=_or(data.get("reasoning"), output),
            effective_from=data.get("from"),
        )


def _or(value: Any, fallback: int) -> int:
    return fallback if value is None else int(value)


class PriceTable:
    def __init__(self, models: dict[str, list[Price]], aliases: dict[str, str]) -> None:
        self._models = models
        self._aliases = aliases
        self._found: dict[tuple[str, str], Price | None] = {}  # (model, day): every call asks

    @classmethod
    def from_snapshot(cls, data: dict[str, Any] | None) -> PriceTable:
        data = data or {}
        models = {
            name: sorted(
                (Price.from_dict(entry) for entry in entries),
                key=lambda p: p.effective_from or "",
            )
            for name, entries in (data.get("models") or {}).items()
        }
        return cls(models, dict(data.get("aliases") or {}))

    def __bool__(self) -> bool:
        return bool(self._models)

    def resolve(self, model: str) -> str | None:
        """The priced name of `model`: itself, its alias, or its name without a date suffix."""
        name = model.removeprefix("models/")
        for candidate in (name, _VERSION_SUFFIX.sub("", name)):
            if candidate in self._models:
                return candidate
            if candidate in self._aliases:
                return self._aliases[candidate]
        return None

    def price(self, model: str, on: str) -> Price | None:
        """The price in force on the ISO date `on` (YYYY-MM-DD), or None when unpriced."""
        marker = (model, on)
        if marker in self._found:
            return self._found[marker]
        if len(self._found) >= MAX_REMEMBERED:
            self._found.clear()
        found = self._found[marker] = self._lookup(model, on)
        return found

    def _lookup(self, model: str, on: str) -> Price | None:
        name = self.resolve(model) if model else None
        if name is None:
            return None
        chosen = None
        for entry in self._models[name]:
            if entry.effective_from is None or entry.effective_from <= on:
                chosen = entry
        return chosen
