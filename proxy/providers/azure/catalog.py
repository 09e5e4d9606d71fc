"""Azure OpenAI's catalog entry: OpenAI's operations, the key in `api-key`."""

from __future__ import annotations

from proxy.providers.openai.catalog import openai_style_entry

CATALOG = (
    openai_style_entry(
        "azure-openai",
        "Azure OpenAI",
        "OpenAI models deployed on Microsoft Azure.",
        "2024-10-21",
        "https://YOUR-RESOURCE.openai.azure.com",
        ("api-key", ""),
        "gpt-4o-mini",
        {"api_version": "2024-10-21"},
    ),
)
