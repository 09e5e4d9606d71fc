"""Gemini `streamGenerateContent?alt=sse` events → vendor-neutral stream steps (see `response.py`
for whole answers and errors)."""

from __future__ import annotations

from typing import Any

from proxy.providers.common.errors import UpstreamError
from proxy.providers.common.result import (
    CONTENT_FILTER,
    ChunkDelta,
    StreamStep,
    ToolCallDelta,
)
from proxy.providers.gemini.response import finish_reason, gemini_usage, tool_call
from proxy.sse import SseEvent, json_object


class GeminiStreamReader:
    """Each `alt=sse` event is a whole GenerateContentResponse holding the next piece."""

    ends_at_eof = True

    def __init__(self) -> None:
        self.answered = False  # a finish reason (or a blocked prompt) arrived
        self.started: set[int] = set()
        self.tool_calls_by_choice: dict[int, int] = {}

    def feed(self, event: SseEvent) -> StreamStep:
        data = json_object(event.data)
        error = data.get("error")
        if isinstance(error, dict):
            status = int(error.get("code") or 500)
            message = error.get("message", "")
            return StreamStep(error=UpstreamError(status, message, error.get("status")))
        step = StreamStep(id=data.get("responseId"), model=data.get("modelVersion"))
        if "usageMetadata" in data:
            step.usage = gemini_usage(data)
        for position, candidate in enumerate(data.get("candidates") or []):
            step.deltas.append(self._delta(candidate, candidate.get("index", position)))
        if not data.get("candidates") and (data.get("promptFeedback") or {}).get("blockReason"):
            step.deltas.append(ChunkDelta(role="assistant", finish_reason=CONTENT_FILTER))
        self.answered = self.answered or any(d.finish_reason for d in step.deltas)
        return step

    def _delta(self, candidate: dict[str, Any], choice: int) -> ChunkDelta:
        parts = (candidate.get("content") or {}).get("parts") or []
        delta = ChunkDelta(choice=choice)
        if choice not in self.started:
            self.started.add(choice)
            delta.role = "assistant"
        text = "".join(p["text"] for p in parts if "text" in p and not p.get("thought"))
        if text or delta.role:
            delta.content = text
        for part in parts:
            if "functionCall" in part:
                delta.tool_calls.append(self._tool_call(part, choice))
        made_calls = self.tool_calls_by_choice.get(choice, 0) > 0
        delta.finish_reason = finish_reason(candidate.get("finishReason"), made_calls)
        return delta

    def _tool_call(self, part: dict[str, Any], choice: int) -> ToolCallDelta:
        number = self.tool_calls_by_choice.get(choice, 0)
        self.tool_calls_by_choice[choice] = number + 1
        call = tool_call(part, number)
        return ToolCallDelta(number, id=call.id, name=call.name, arguments=call.arguments)
