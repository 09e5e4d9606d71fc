"""The built-in AI vendors, kept in the catalog after every migrate (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.vendor_definitions import (
    ANTHROPIC_USAGE,
    COHERE_USAGE,
    GEMINI_USAGE,
    anthropic_definition,
    cohere_definition,
    gemini_definition,
    operation,
)

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


def openai_style_definition(title: str, version: str, chat_model: str) -> dict:
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


@dataclass(frozen=True)
class BuiltinVendor:
    slug: str
    name: str
    description: str
    version: str
    driver: str
    base_url: str
    auth_name: str
    auth_prefix: str
    chat_model: str
    settings: dict = field(default_factory=dict)
    # Vendors that do not speak OpenAI's format bring their own definition and usage paths.
    api_definition: dict | None = None
    usage_paths: dict | None = None

    def definition(self) -> dict:
        if self.api_definition is not None:
            return self.api_definition
        return openai_style_definition(self.name, self.version, self.chat_model)


BUILTIN_VENDORS: tuple[BuiltinVendor, ...] = (
    BuiltinVendor(
        "openai",
        "OpenAI",
        "OpenAI's GPT models.",
        "v1",
        "openai",
        "https://api.openai.com/v1",
        "Authorization",
        "Bearer ",
        "gpt-4o-mini",
    ),
    BuiltinVendor(
        "azure-openai",
        "Azure OpenAI",
        "OpenAI models deployed on Microsoft Azure.",
        "2024-10-21",
        "azure-openai",
        "https://YOUR-RESOURCE.openai.azure.com",
        "api-key",
        "",
        "gpt-4o-mini",
        {"api_version": "2024-10-21"},
    ),
    BuiltinVendor(
        "mistral",
        "Mistral",
        "Mistral AI's models.",
        "v1",
        "mistral",
        "https://api.mistral.ai/v1",
        "Authorization",
        "Bearer ",
        "mistral-small-latest",
    ),
    BuiltinVendor(
        "anthropic",
        "Anthropic",
        "Anthropic's Claude models (Messages API).",
        "v1",
        "anthropic",
        "https://api.anthropic.com",
        "x-api-key",
        "",
        "claude-sonnet-4-5",
        {"anthropic_version": "2023-06-01"},
        anthropic_definition("claude-sonnet-4-5"),
        ANTHROPIC_USAGE,
    ),
    BuiltinVendor(
        "gemini",
        "Google Gemini",
        "Google's Gemini models (Gemini API).",
        "v1beta",
        "gemini",
        "https://generativelanguage.googleapis.com",
        "x-goog-api-key",
        "",
        "gemini-2.5-flash",
        {"api_version": "v1beta"},
        gemini_definition(),
        GEMINI_USAGE,
    ),
    BuiltinVendor(
        "cohere",
        "Cohere",
        "Cohere's Command models (Chat API v2).",
        "v2",
        "cohere",
        "https://api.cohere.com",
        "Authorization",
        "Bearer ",
        "command-a-03-2025",
        api_definition=cohere_definition("command-a-03-2025"),
        usage_paths=COHERE_USAGE,
    ),
    # vLLM, Ollama, LM Studio, llama.cpp…: OpenAI's format at the publisher's base URL. The key
    # is optional: sent as a bearer token only when the endpoint has one.
    BuiltinVendor(
        "openai-compatible",
        "OpenAI-compatible server",
        "Any server speaking OpenAI's API (vLLM, Ollama, LM Studio…) at the URL you give.",
        "v1",
        "openai",
        "https://YOUR-SERVER.example.com/v1",
        "Authorization",
        "Bearer ",
        "your-model",
    ),
)


def sync_builtin_vendors(**_kwargs) -> None:
    from core.models import Vendor, VendorVersion

    for spec in BUILTIN_VENDORS:
        vendor, _ = Vendor.objects.update_or_create(
            tenant=None,
            slug=spec.slug,
            defaults={"name": spec.name, "description": spec.description},
        )
        VendorVersion.objects.update_or_create(
            vendor=vendor,
            version=spec.version,
            defaults={
                "driver": spec.driver,
                "base_url": spec.base_url,
                "auth_scheme": "header",
                "auth_name": spec.auth_name,
                "auth_prefix": spec.auth_prefix,
                "api_definition": spec.definition(),
                "usage_paths": spec.usage_paths or OPENAI_USAGE,
                "settings": spec.settings,
            },
        )
