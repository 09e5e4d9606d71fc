"""Cohere Chat v2 answers → vendor-neutral results and errors (stream steps in `stream.py`).

Usage is read from `billed_units` (what the tenant is invoiced on), falling back to `tokens`.
Cohere does not name the answering model, so the requested one stands in. A `tool_plan` is the
model's visible text beside its tool calls and is shown as the assistant's content.
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
    "COMPLETE": STOP,
    "STOP_SEQUENCE": STOP,
    "MAX_TOKENS": LENGTH,
    "TOOL_CALL": TOOL_CALLS,
    "ERROR_TOXIC": CONTENT_FILTER,
    "ERROR_LIMIT": LENGTH,
    "TIMEOUT": LENGTH,
}


def finish_reason(reason: str | None) -> str:
    return FINISH_REASONS.get(reason or "", STOP)


def cohere_usage(usage: dict[str, Any] | None, model: str = "") -> Usage:
    usage = usage or {}
    counts = usage.get("billed_units") or usage.get("tokens") or {}
    prompt = int(counts.get("input_tokens") or 0)
    completion = int(counts.get("output_tokens") or 0)
    return Usage(prompt, completion, prompt + completion, model)


def cohere_result(data: dict[str, Any], *, model: str) -> ChatResult:
    message = data.get("message") or {}
    blocks = message.get("content") or []
    text = "".join(c.get("text", "") for c in blocks if c.get("type") == "text")
    calls = [
        ToolCall(c.get("id", ""), c["function"]["name"], c["function"].get("arguments") or "{}")
        for c in message.get("tool_calls") or []
    ]
    if not text and calls:
        text = message.get("tool_plan") or ""
    choice = Choice(
        index=0,
        content=text if text or not calls else None,
        tool_calls=calls,
        finish_reason=finish_reason(data.get("finish_reason")),
    )
    return ChatResult(data.get("id") or "", model, [choice], cohere_usage(data.get("usage"), model))


def cohere_error(status: int, body: bytes) -> UpstreamError:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return UpstreamError(status, text_of(body))
    message = data.get("message") if isinstance(data, dict) else None
    return UpstreamError(status, message or text_of(body))
