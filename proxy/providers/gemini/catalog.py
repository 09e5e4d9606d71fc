"""Google Gemini's catalog entry: the Gemini API's operations and where it reports usage."""

from __future__ import annotations

from proxy.providers.common.openapi import Json, document, operation
from proxy.providers.registry import CatalogEntry


def gemini_definition() -> Json:
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
    return document("Gemini API", "v1beta", server, "x-goog-api-key", paths)


# The model travels in the URL, so only the answer's `modelVersion` names it.
GEMINI_USAGE = {
    "prompt_tokens": "$.usageMetadata.promptTokenCount",
    "completion_tokens": "$.usageMetadata.candidatesTokenCount",
    "total_tokens": "$.usageMetadata.totalTokenCount",
    "response_model": "$.modelVersion",
}


CATALOG = (
    CatalogEntry(
        "gemini",
        "Google Gemini",
        "Google's Gemini models (Gemini API).",
        "v1beta",
        "https://generativelanguage.googleapis.com",
        "x-goog-api-key",
        "",
        "gemini-2.5-flash",
        gemini_definition(),
        GEMINI_USAGE,
        {"api_version": "v1beta"},
    ),
)
