"""Price tables for the cost tests, in the snapshot's shape (picos per token = $/M × 10⁶)."""

from __future__ import annotations

from typing import Any


def entry(input_: str, output: str, **details: str | None) -> dict[str, Any]:
    def picos(value: str | None) -> int | None:
        return None if value is None else round(float(value) * 1_000_000)

    return {
        "from": details.pop("effective_from", None),
        "currency": "USD",
        "input": picos(input_),
        "output": picos(output),
        **{name: picos(details.get(name)) for name in ("cached_input", "cache_write", "reasoning")},
    }


def table(models: dict[str, list[dict[str, Any]]], **aliases: str) -> dict[str, Any]:
    return {"models": models, "aliases": aliases}


OPENAI = table({"gpt-4o-mini": [entry("0.15", "0.60", cached_input="0.075")]})
ANTHROPIC = table(
    {"claude-sonnet-4-5": [entry("3", "15", cached_input="0.30", cache_write="3.75")]}
)
GEMINI = table({"gemini-2.5-flash": [entry("0.30", "2.50", cached_input="0.03")]})
