"""Cohere Chat v2 stream events → vendor-neutral stream steps (see `response.py` for whole answers
and errors)."""

from __future__ import annotations

from typing import Any

from proxy.providers.cohere.response import cohere_usage, finish_reason
from proxy.providers.common.errors import UpstreamError
from proxy.providers.common.result import (
    ChunkDelta,
    StreamStep,
    ToolCallDelta,
)
from proxy.sse import SseEvent, json_object


class CohereStreamReader:
    """message-start / content-delta / tool-call-* / message-end → neutral stream steps."""

    ends_at_eof = False
    answered = False  # not consulted: the terminal event ends the stream

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
