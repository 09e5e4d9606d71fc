"""What an AI API offers its callers: the vendor's own operations, or on an OpenAI-compatible
(unified) API the unified set the proxy translates. One answer for the registry compiler, the
publisher's overview and the developer portal's docs and Try Out."""

from __future__ import annotations

from core.catalog import openai_style_definition
from core.models import AiApi, ApiType
from proxy.public import unified_operations

UNIFIED_SUMMARIES = {
    "/chat/completions": "OpenAI Chat Completions, translated for the provider",
    "/v1/messages": "Anthropic Messages, translated for the provider",
}


def offered_operations(api: AiApi) -> list[dict]:
    """[{method, path, summary}] in the vendor definition's order (unified: OpenAI's first)."""
    native = api.vendor_version.operations()
    if api.api_type != ApiType.UNIFIED:
        return native
    summaries = {op["path"]: op["summary"] for op in native} | UNIFIED_SUMMARIES
    pairs = unified_operations((op["method"], op["path"]) for op in native)
    return [{"method": m, "path": p, "summary": summaries.get(p, "")} for m, p in pairs]


def api_definition(api: AiApi) -> dict:
    """The OpenAPI document describing what callers send: the vendor's own, or on a unified
    API OpenAI's paths (with the vendor's model in the examples) beside the vendor's."""
    native = api.vendor_version.api_definition
    if api.api_type != ApiType.UNIFIED:
        return native
    model = _example_model(native) or "model-name"
    unified = openai_style_definition(api.name, api.version, model)
    return {**unified, "paths": {**(native.get("paths") or {}), **unified["paths"]}}


def _example_model(definition: dict) -> str:
    for item in (definition.get("paths") or {}).values():
        for spec in item.values() if isinstance(item, dict) else ():
            content = ((spec or {}).get("requestBody") or {}).get("content") or {}
            example = (content.get("application/json") or {}).get("example") or {}
            if isinstance(example, dict) and isinstance(example.get("model"), str):
                return example["model"]
    return ""
