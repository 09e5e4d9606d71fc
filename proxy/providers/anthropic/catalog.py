"""Anthropic's catalog entry: the Messages API's operations and where it reports usage."""

from __future__ import annotations

from proxy.providers.common.openapi import Json, document, operation
from proxy.providers.registry import CatalogEntry


def anthropic_definition(chat_model: str) -> Json:
    message = {
        "model": chat_model,
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": "Say this is a test!"}],
    }
    count = {key: value for key, value in message.items() if key != "max_tokens"}
    paths = {
        "/v1/messages": {"post": operation("Create a message", "messages_post", message)},
        "/v1/messages/count_tokens": {
            "post": operation("Count tokens in a message", "messages_count_tokens_post", count)
        },
        "/v1/models": {"get": operation("List models", "models_list")},
        "/v1/models/{model_id}": {"get": operation("Get a model", "models_get")},
    }
    return document("Anthropic API", "2023-06-01", "https://api.anthropic.com", "x-api-key", paths)


ANTHROPIC_USAGE = {
    "prompt_tokens": "$.usage.input_tokens",
    "completion_tokens": "$.usage.output_tokens",
    "request_model": "$.model",
    "response_model": "$.model",
}


CATALOG = (
    CatalogEntry(
        "anthropic",
        "Anthropic",
        "Anthropic's Claude models (Messages API).",
        "v1",
        "https://api.anthropic.com",
        "x-api-key",
        "",
        "claude-sonnet-4-5",
        anthropic_definition("claude-sonnet-4-5"),
        ANTHROPIC_USAGE,
        {"anthropic_version": "2023-06-01"},
    ),
)
