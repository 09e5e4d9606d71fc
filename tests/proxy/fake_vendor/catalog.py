"""Shout's catalog entry."""

from __future__ import annotations

from proxy.providers.common.openapi import operation
from proxy.providers.registry import CatalogEntry

CATALOG = (
    CatalogEntry(
        "fake-shout",
        "Shout",
        "Answers in capitals.",
        "v1",
        "https://shout.example.com/v1",
        "Authorization",
        "Bearer ",
        "shout-1",
        {
            "openapi": "3.0.3",
            "info": {"title": "Shout", "version": "v1"},
            "paths": {"/shout": {"post": operation("Shout", "shout", {"engine": "shout-1"})}},
        },
        {"prompt_tokens": "$.usage.prompt_tokens", "completion_tokens": "$.usage.tokens"},
    ),
)
