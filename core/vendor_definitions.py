"""OpenAPI documents and usage paths of the built-in vendors that do not speak OpenAI's format.

Each document lists the vendor's own operations as its API reference publishes them (paths,
operation ids, a minimal request example); the proxy routes exactly these on a native API.
Usage paths say where the vendor reports tokens and models (JSONPath into the answer).
"""

from __future__ import annotations


def operation(summary: str, op_id: str, example: dict | None = None) -> dict:
    """One OpenAPI operation, with a JSON request example when it takes a body."""
    op: dict = {
        "summary": summary,
        "operationId": op_id,
        "responses": {"200": {"description": "OK"}},
    }
    if example is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"type": "object"}, "example": example}},
        }
    return op


def _document(title: str, version: str, server: str, key_header: str, paths: dict) -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": title, "version": version},
        "servers": [{"url": server}],
        "components": {
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": key_header}}
        },
        "security": [{"apiKey": []}],
        "paths": paths,
    }


def anthropic_definition(chat_model: str) -> dict:
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
    return _document("Anthropic API", "2023-06-01", "https://api.anthropic.com", "x-api-key", paths)


ANTHROPIC_USAGE = {
    "prompt_tokens": "$.usage.input_tokens",
    "completion_tokens": "$.usage.output_tokens",
    "request_model": "$.model",
    "response_model": "$.model",
}


def gemini_definition() -> dict:
    contents = {"contents": [{"role": "user", "parts": [{"text": "Say this is a test!"}]}]}
    embed = {"content": {"parts": [{"text": "Say this is a test!"}]}}
    model = "/v1beta/models/{model}"
    paths = {
        f"{model}:generateContent": {
            "post": operation("Generate content", "models.generateContent", contents)
        },
        f"{model}:streamGenerateContent": {
            "post": operation(
                "Stream generated content (add ?alt=sse for server-sent events)",
                "models.streamGenerateContent",
                contents,
            )
        },
        f"{model}:countTokens": {"post": operation("Count tokens", "models.countTokens", contents)},
        f"{model}:embedContent": {"post": operation("Embed content", "models.embedContent", embed)},
        "/v1beta/models": {"get": operation("List models", "models.list")},
        model: {"get": operation("Get a model", "models.get")},
    }
    server = "https://generativelanguage.googleapis.com"
    return _document("Gemini API", "v1beta", server, "x-goog-api-key", paths)


# The model travels in the URL, so only the answer's `modelVersion` names it.
GEMINI_USAGE = {
    "prompt_tokens": "$.usageMetadata.promptTokenCount",
    "completion_tokens": "$.usageMetadata.candidatesTokenCount",
    "total_tokens": "$.usageMetadata.totalTokenCount",
    "response_model": "$.modelVersion",
}


def cohere_definition(chat_model: str) -> dict:
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
    return _document("Cohere API", "v2", "https://api.cohere.com", "Authorization", paths)


# Billed units are what Cohere charges for (the prompt without its template tokens).
COHERE_USAGE = {
    "prompt_tokens": "$.usage.billed_units.input_tokens",
    "completion_tokens": "$.usage.billed_units.output_tokens",
    "request_model": "$.model",
}
