"""Write vendor-neutral results as OpenAI `chat.completion` bodies and `chat.completion.chunk`s."""

from __future__ import annotations

from typing import Any

import orjson

from proxy.providers.base import Usage
from proxy.providers.common.result import ChatResult, Choice, ChunkDelta, ToolCallDelta
from proxy.sse import DONE, frame


def usage_object(usage: Usage) -> dict[str, int]:
    total = usage.total_tokens or usage.prompt_tokens + usage.completion_tokens
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": total,
    }


def completion_body(result: ChatResult, created: int) -> bytes:
    return orjson.dumps(
        {
            "id": result.id,
            "object": "chat.completion",
            "created": created,
            "model": result.model,
            "choices": [_choice(c) for c in result.choices],
            "usage": usage_object(result.usage),
        }
    )


def _choice(choice: Choice) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": choice.content}
    if choice.tool_calls:
        message["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in choice.tool_calls
        ]
    return {"index": choice.index, "message": message, "finish_reason": choice.finish_reason}


class ChunkEncoder:
    """Writes one stream as SSE `chat.completion.chunk`s; id and model may arrive late."""

    def __init__(self, *, id: str, model: str, created: int, include_usage: bool) -> None:
        self.id = id
        self.model = model
        self.created = created
        self.include_usage = include_usage

    def chunk(self, delta: ChunkDelta) -> bytes:
        choice = {
            "index": delta.choice,
            "delta": _delta(delta),
            "finish_reason": delta.finish_reason,
        }
        return frame(orjson.dumps(self._envelope([choice])))

    def usage_chunk(self, usage: Usage) -> bytes:
        """OpenAI's `stream_options.include_usage` chunk; nothing when the caller did not ask."""
        if not self.include_usage:
            return b""
        return frame(orjson.dumps({**self._envelope([]), "usage": usage_object(usage)}))

    def done(self) -> bytes:
        return frame(DONE)

    def _envelope(self, choices: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "choices": choices,
        }


def _delta(delta: ChunkDelta) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if delta.role is not None:
        out["role"] = delta.role
    if delta.content is not None:
        out["content"] = delta.content
    if delta.tool_calls:
        out["tool_calls"] = [_tool_call_delta(t) for t in delta.tool_calls]
    return out


def _tool_call_delta(delta: ToolCallDelta) -> dict[str, Any]:
    out: dict[str, Any] = {"index": delta.index}
    if delta.id is not None:
        out["id"] = delta.id
        out["type"] = "function"
    function: dict[str, str] = {}
    if delta.name is not None:
        function["name"] = delta.name
    if delta.arguments is not None:
        function["arguments"] = delta.arguments
    out["function"] = function
    return out
