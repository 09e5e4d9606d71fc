"""Gemini `GenerateContentResponse` → vendor-neutral results and errors (stream steps in
`stream.py`).

Thinking tokens (`thoughtsTokenCount`) are output tokens the caller pays for, as OpenAI counts
reasoning tokens inside `completion_tokens`; thought parts themselves are not shown.
"""

from __future__ import annotations

import math
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
from proxy.providers.gemini.request import tool_call_id

_FILTERED = {"SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"}


def finish_reason(reason: str | None, has_tool_calls: bool) -> str | None:
    if not reason or reason == "FINISH_REASON_UNSPECIFIED":
        return None
    if reason == "MAX_TOKENS":
        return LENGTH
    if reason in _FILTERED:
        return CONTENT_FILTER
    return TOOL_CALLS if has_tool_calls else STOP


def gemini_usage(data: dict[str, Any]) -> Usage:
    meta = data.get("usageMetadata") or {}
    prompt = (meta.get("promptTokenCount") or 0) + (meta.get("toolUsePromptTokenCount") or 0)
    completion = (meta.get("candidatesTokenCount") or 0) + (meta.get("thoughtsTokenCount") or 0)
    total = meta.get("totalTokenCount") or prompt + completion
    usage = Usage(prompt, completion, total, data.get("modelVersion") or "")
    usage.cached_tokens = meta.get("cachedContentTokenCount") or 0
    usage.reasoning_tokens = meta.get("thoughtsTokenCount") or 0
    return usage


def gemini_result(data: dict[str, Any], *, fallback_id: str, model: str) -> ChatResult:
    choices = [_choice(c, i) for i, c in enumerate(data.get("candidates") or [])]
    if not choices:  # the prompt itself was blocked
        choices = [Choice(0, "", finish_reason=CONTENT_FILTER)]
    usage = gemini_usage(data)
    return ChatResult(data.get("responseId") or fallback_id, usage.model or model, choices, usage)


def _choice(candidate: dict[str, Any], position: int) -> Choice:
    parts = (candidate.get("content") or {}).get("parts") or []
    text = "".join(p["text"] for p in parts if "text" in p and not p.get("thought"))
    calls = [tool_call(p, n) for n, p in enumerate(p for p in parts if "functionCall" in p)]
    return Choice(
        index=candidate.get("index", position),
        content=text if text or not calls else None,
        tool_calls=calls,
        finish_reason=finish_reason(candidate.get("finishReason"), bool(calls)) or STOP,
    )


def tool_call(part: dict[str, Any], number: int) -> ToolCall:
    call = part["functionCall"]
    base = call.get("id") or f"call_{number}"
    arguments = orjson.dumps(call.get("args") or {}).decode()
    call_id = tool_call_id(base, part.get("thoughtSignature"))
    return ToolCall(call_id, call.get("name", ""), arguments)


def gemini_error(status: int, body: bytes) -> UpstreamError:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return UpstreamError(status, text_of(body))
    if isinstance(data, list) and data:  # the non-SSE stream endpoint wraps errors in an array
        data = data[0]
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return UpstreamError(status, text_of(body))
    return UpstreamError(status, error.get("message") or text_of(body), _error_code(error))


RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"


def retry_after_seconds(body: bytes) -> int | None:
    """The delay a Gemini error's `google.rpc.RetryInfo` asks for ("17s", "0.5s"), in whole
    seconds rounded up, or None."""
    error = _error_object(body)
    for detail in error.get("details") or []:
        if isinstance(detail, dict) and detail.get("@type") == RETRY_INFO:
            delay = str(detail.get("retryDelay") or "")
            try:
                seconds = float(delay.removesuffix("s"))
            except ValueError:
                return None
            return max(0, math.ceil(seconds)) if math.isfinite(seconds) else None
    return None


def _error_object(body: bytes) -> dict[str, Any]:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return {}
    if isinstance(data, list) and data:
        data = data[0]
    error = data.get("error") if isinstance(data, dict) else None
    return error if isinstance(error, dict) else {}


def _error_code(error: dict[str, Any]) -> str | None:
    """The most specific cause Google gives: an ErrorInfo reason (API_KEY_INVALID), else the
    status (RESOURCE_EXHAUSTED)."""
    for detail in error.get("details") or []:
        if isinstance(detail, dict) and detail.get("reason"):
            return str(detail["reason"])
    return error.get("status")
