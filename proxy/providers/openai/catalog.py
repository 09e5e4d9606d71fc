"""OpenAI's catalog entries: OpenAI itself and any OpenAI-compatible server."""

from __future__ import annotations

from proxy.providers.common.openapi import Json, operation
from proxy.providers.registry import CatalogEntry

CHAT_EXAMPLE = {
    "model": "gpt-4o-mini",
    "messages": [{"role": "user", "content": "Say this is a test!"}],
}
OPENAI_USAGE = {
    "prompt_tokens": "$.usage.prompt_tokens",
    "completion_tokens": "$.usage.completion_tokens",
    "total_tokens": "$.usage.total_tokens",
    "request_model": "$.model",
    "response_model": "$.model",
}


def openai_style_definition(title: str, version: str, chat_model: str) -> Json:
    """OpenAI's operations (chat, completions, embeddings, models), as any vendor speaking
    OpenAI's format offers them."""
    example = {**CHAT_EXAMPLE, "model": chat_model}
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": version},
        "paths": {
            "/chat/completions": {
                "post": operation("Create chat completion", "createChatCompletion", example)
            },
            "/completions": {
                "post": operation(
                    "Create completion",
                    "createCompletion",
                    {"model": chat_model, "prompt": "Say this is a test!"},
                )
            },
            "/embeddings": {
                "post": operation(
                    "Create embeddings",
                    "createEmbedding",
                    {"model": "text-embedding-3-small", "input": "Say this is a test!"},
                )
            },
            "/models": {"get": operation("List models", "listModels")},
        },
    }


def openai_style_entry(
    slug: str,
    name: str,
    description: str,
    version: str,
    base_url: str,
    auth: tuple[str, str],
    chat_model: str,
    settings: Json | None = None,
) -> CatalogEntry:
    """The catalog entry of a vendor speaking OpenAI's format."""
    return CatalogEntry(
        slug,
        name,
        description,
        version,
        base_url,
        *auth,
        chat_model,
        openai_style_definition(name, version, chat_model),
        OPENAI_USAGE,
        settings or {},
    )


BEARER = ("Authorization", "Bearer ")
CATALOG = (
    openai_style_entry(
        "openai",
        "OpenAI",
        "OpenAI's GPT models.",
        "v1",
        "https://api.openai.com/v1",
        BEARER,
        "gpt-4o-mini",
    ),
    # vLLM, Ollama, LM Studio, llama.cpp…: OpenAI's format at the publisher's base URL. The key
    # is optional: sent as a bearer token only when the endpoint has one.
    openai_style_entry(
        "openai-compatible",
        "OpenAI-compatible server",
        "Any server speaking OpenAI's API (vLLM, Ollama, LM Studio…) at the URL you give.",
        "v1",
        "https://YOUR-SERVER.example.com/v1",
        BEARER,
        "your-model",
    ),
)
