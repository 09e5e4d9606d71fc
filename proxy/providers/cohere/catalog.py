"""Cohere's catalog entry: the Chat API v2's operations and where it reports usage."""

from __future__ import annotations

from proxy.providers.common.openapi import Json, document, operation
from proxy.providers.registry import CatalogEntry


def cohere_definition(chat_model: str) -> Json:
    chat = {"model": chat_model, "messages": [{"role": "user", "content": "Say this is a test!"}]}
    embed = {
        "model": "embed-v4.0",
        "texts": ["Say this is a test!"],
        "input_type": "search_document",
        "embedding_types": ["float"],
    }
    rerank = {
        "model": "rerank-v3.5",
        "query": "What is a test?",
        "documents": ["This is a test.", "This is not."],
    }
    paths = {
        "/v2/chat": {"post": operation("Chat (set stream for server-sent events)", "chat", chat)},
        "/v2/embed": {"post": operation("Embed", "embed", embed)},
        "/v2/rerank": {"post": operation("Rerank", "rerank", rerank)},
        "/v1/models": {"get": operation("List models", "list-models")},
    }
    return document("Cohere API", "v2", "https://api.cohere.com", "Authorization", paths)


# Billed units are what Cohere charges for (the prompt without its template tokens).
COHERE_USAGE = {
    "prompt_tokens": "$.usage.billed_units.input_tokens",
    "completion_tokens": "$.usage.billed_units.output_tokens",
    "request_model": "$.model",
}


CATALOG = (
    CatalogEntry(
        "cohere",
        "Cohere",
        "Cohere's Command models (Chat API v2).",
        "v2",
        "https://api.cohere.com",
        "Authorization",
        "Bearer ",
        "command-a-03-2025",
        cohere_definition("command-a-03-2025"),
        COHERE_USAGE,
    ),
)
