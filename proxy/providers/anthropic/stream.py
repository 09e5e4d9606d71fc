"""Anthropic Messages stream events → vendor-neutral stream steps (see `response.py` for whole
answers and errors)."""

from __future__ import annotations

from typing import Any

from proxy.providers.anthropic.response import anthropic_usage, finish_reason
from proxy.providers.base import Usage
from proxy.providers.common.errors import UpstreamError
from proxy.providers.common.result import (
    ChunkDelta,
    StreamStep,
    ToolCallDelta,
)
from proxy.sse import SseEvent, json_object


class AnthropicStreamReader:
    """message_start / content_block_* / message_delta / message_stop → neutral stream steps."""

    ends_at_eof = False
    answered = False  # not consulted: the terminal event ends the stream

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
