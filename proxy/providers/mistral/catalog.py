"""Mistral's catalog entry: OpenAI's operations at api.mistral.ai/v1."""

from __future__ import annotations

from proxy.providers.openai.catalog import BEARER, openai_style_entry

CATALOG = (
    openai_style_entry(
        "mistral",
        "Mistral",
        "Mistral AI's models.",
        "v1",
        "https://api.mistral.ai/v1",
        BEARER,
        "mistral-small-latest",
    ),
)
