"""Anthropic Messages answers → vendor-neutral results: whole messages, stream events, errors.

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
    ChunkDelta,
    StreamStep,
    ToolCallDelta,
)
from proxy.providers.common.sse import SseEvent, json_object

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
    return Usage(prompt, completion, prompt + completion, model)


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


class AnthropicStreamReader:
    """message_start / content_block_* / message_delta / message_stop → neutral stream steps."""

    ends_at_eof = False

    def __init__(self) -> None:
        self.tool_index_by_block: dict[int, int] = {}
        self.model = ""

    def feed(self, event: SseEvent) -> StreamStep:
        data = json_object(event.data)
        handler = getattr(self, "_on_" + str(data.get("type", "")), None)
        return handler(data) if handler else StreamStep()  # ping and unknown events

    def _on_message_start(self, data: dict[str, Any]) -> StreamStep:
        message = data.get("message") or {}
        self.model = message.get("model") or ""
        usage = anthropic_usage(message.get("usage"), self.model)
        return StreamStep(
            deltas=[ChunkDelta(role="assistant", content="")],
            usage=usage,
            id=message.get("id"),
            model=self.model or None,
        )

    def _on_content_block_start(self, data: dict[str, Any]) -> StreamStep:
        block = data.get("content_block") or {}
        if block.get("type") != "tool_use":
            return StreamStep()
        index = self.tool_index_by_block[data["index"]] = len(self.tool_index_by_block)
        call = ToolCallDelta(index, id=block.get("id"), name=block.get("name"), arguments="")
        return StreamStep(deltas=[ChunkDelta(tool_calls=[call])])

    def _on_content_block_delta(self, data: dict[str, Any]) -> StreamStep:
        delta = data.get("delta") or {}
        if delta.get("type") == "text_delta":
            return StreamStep(deltas=[ChunkDelta(content=delta.get("text", ""))])
        if delta.get("type") == "input_json_delta" and delta.get("partial_json"):
            index = self.tool_index_by_block.get(data.get("index", -1), 0)
            call = ToolCallDelta(index, arguments=delta.get("partial_json", ""))
            return StreamStep(deltas=[ChunkDelta(tool_calls=[call])])
        return StreamStep()  # thinking and signature deltas have no OpenAI counterpart

    def _on_message_delta(self, data: dict[str, Any]) -> StreamStep:
        reason = finish_reason((data.get("delta") or {}).get("stop_reason"))
        usage = data.get("usage") or {}
        step = StreamStep(usage=_later_usage(usage, self.model))
        if reason:
            step.deltas.append(ChunkDelta(finish_reason=reason))
        return step

    def _on_message_stop(self, data: dict[str, Any]) -> StreamStep:
        return StreamStep(done=True)

    def _on_error(self, data: dict[str, Any]) -> StreamStep:
        error = data.get("error") or {}
        status = 529 if error.get("type") == "overloaded_error" else 500
        return StreamStep(error=UpstreamError(status, error.get("message", ""), error.get("type")))


def _later_usage(usage: dict[str, Any], model: str) -> Usage:
    """message_delta's cumulative counts; input counts appear there only on newer API versions."""
    later = anthropic_usage(usage, model)
    later.total_tokens = 0  # let Usage.merge add the prompt tokens message_start reported
    return later
