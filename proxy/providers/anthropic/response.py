"""Anthropic Messages answers → vendor-neutral results: whole messages and errors (stream events
in `stream.py`).

Anthropic counts cache reads and writes apart from `input_tokens`; OpenAI's `prompt_tokens`
includes them, so they are added back.
"""

from __future__ import annotations

from typing import Any

import orjson

from proxy.providers.base import Usage
from proxy.providers.common.chat import ToolCall
from proxy.providers.common.errors import UpstreamError, text_of
from proxy.providers.common.result import (
    CONTENT_FILTER,
    LENGTH,
    STOP,
    TOOL_CALLS,
    ChatResult,
    Choice,
)

FINISH_REASONS = {
    "end_turn": STOP,
    "stop_sequence": STOP,
    "pause_turn": STOP,
    "max_tokens": LENGTH,
    "model_context_window_exceeded": LENGTH,
    "tool_use": TOOL_CALLS,
    "refusal": CONTENT_FILTER,
}


def finish_reason(stop_reason: str | None) -> str | None:
    return FINISH_REASONS.get(stop_reason, STOP) if stop_reason else None


def anthropic_usage(usage: dict[str, Any] | None, model: str = "") -> Usage:
    usage = usage or {}
    prompt = (
        (usage.get("input_tokens") or 0)
        + (usage.get("cache_creation_input_tokens") or 0)
        + (usage.get("cache_read_input_tokens") or 0)
    )
    completion = usage.get("output_tokens") or 0
    result = Usage(prompt, completion, prompt + completion, model)
    result.cached_tokens = usage.get("cache_read_input_tokens") or 0
    result.cache_write_tokens = usage.get("cache_creation_input_tokens") or 0
    return result


def anthropic_result(data: dict[str, Any]) -> ChatResult:
    blocks = data.get("content") or []
    text = "".join(b.get("text", "") for b in blocks if b.get("type") == "text")
    calls = [
        ToolCall(b["id"], b["name"], orjson.dumps(b.get("input") or {}).decode())
        for b in blocks
        if b.get("type") == "tool_use"
    ]
    choice = Choice(
        index=0,
        content=text if text or not calls else None,
        tool_calls=calls,
        finish_reason=finish_reason(data.get("stop_reason")) or STOP,
    )
    model = data.get("model") or ""
    usage = anthropic_usage(data.get("usage"), model)
    return ChatResult(data.get("id") or "", model, [choice], usage)


def anthropic_error(status: int, body: bytes) -> UpstreamError:
    try:
        error = orjson.loads(body).get("error") or {}
    except (orjson.JSONDecodeError, AttributeError):
        return UpstreamError(status, text_of(body))
    return UpstreamError(status, error.get("message") or text_of(body), error.get("type"))
