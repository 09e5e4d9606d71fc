"""Cohere Chat v2 answers → vendor-neutral results, stream steps and errors.

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
    ChunkDelta,
    StreamStep,
    ToolCallDelta,
)
from proxy.providers.common.sse import SseEvent, json_object

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


class CohereStreamReader:
    """message-start / content-delta / tool-call-* / message-end → neutral stream steps."""

    ends_at_eof = False

    def __init__(self, model: str) -> None:
        self.model = model

    def feed(self, event: SseEvent) -> StreamStep:
        if event.is_done:
            return StreamStep(done=True)
        data = json_object(event.data)
        kind = str(data.get("type") or event.event)
        handler = getattr(self, "_on_" + kind.replace("-", "_"), None)
        return handler(data) if handler else StreamStep()  # citations, content-start/end, …

    def _on_message_start(self, data: dict[str, Any]) -> StreamStep:
        return StreamStep(deltas=[ChunkDelta(role="assistant", content="")], id=data.get("id"))

    def _on_content_delta(self, data: dict[str, Any]) -> StreamStep:
        text = _message_delta(data).get("content", {}).get("text", "")
        return StreamStep(deltas=[ChunkDelta(content=text)])

    def _on_tool_plan_delta(self, data: dict[str, Any]) -> StreamStep:
        return StreamStep(deltas=[ChunkDelta(content=_message_delta(data).get("tool_plan", ""))])

    def _on_tool_call_start(self, data: dict[str, Any]) -> StreamStep:
        call = _message_delta(data).get("tool_calls") or {}
        function = call.get("function") or {}
        delta = ToolCallDelta(
            int(data.get("index") or 0),
            id=call.get("id", ""),
            name=function.get("name", ""),
            arguments=function.get("arguments", ""),
        )
        return StreamStep(deltas=[ChunkDelta(tool_calls=[delta])])

    def _on_tool_call_delta(self, data: dict[str, Any]) -> StreamStep:
        function = (_message_delta(data).get("tool_calls") or {}).get("function") or {}
        delta = ToolCallDelta(int(data.get("index") or 0), arguments=function.get("arguments", ""))
        return StreamStep(deltas=[ChunkDelta(tool_calls=[delta])])

    def _on_message_end(self, data: dict[str, Any]) -> StreamStep:
        delta = data.get("delta") or {}
        if delta.get("error"):
            return StreamStep(error=UpstreamError(500, str(delta["error"])))
        return StreamStep(
            deltas=[ChunkDelta(finish_reason=finish_reason(delta.get("finish_reason")))],
            usage=cohere_usage(delta.get("usage"), self.model),
            done=True,
        )


def _message_delta(data: dict[str, Any]) -> dict[str, Any]:
    return (data.get("delta") or {}).get("message") or {}
