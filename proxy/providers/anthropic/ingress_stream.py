"""OpenAI `chat.completion.chunk` stream → Anthropic Messages stream events.

message_start opens the message; text and each tool call become content blocks
(content_block_start / content_block_delta / content_block_stop); the finish reason and usage
(OpenAI sends usage last) go in the closing message_delta, then message_stop. Only the first
choice is carried: Anthropic messages have one. As the vendor's prompt count comes only at the
end, message_start carries the gateway's estimate of `input_tokens` (SDKs and tools such as
Claude Code read it there); message_delta then reports the vendor's own count.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from proxy.sse import frame, iter_events, json_object, parse_event

STOP_REASONS = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "content_filter": "refusal",
}


def event(name: str, data: dict[str, Any]) -> bytes:
    return frame(orjson.dumps({"type": name, **data}), event=name)


class AnthropicStreamWriter:
    def __init__(self, model: str, estimate_input: Callable[[], int] | None = None) -> None:
        self.model = model
        self.estimate_input = estimate_input  # the prompt's tokens, by the gateway's tokenizer
        self.started = False
        self.finished = False
        self.block = -1  # index of the last opened content block
        self.open_kind = ""  # "text" | "tool_use" | "" (no block open)
        self.block_of_tool: dict[int, int] = {}  # OpenAI tool call index -> block index
        self.stop_reason = "end_turn"
        self.answer_complete = False  # a finish_reason arrived
        self.input_tokens = 0
        self.output_tokens = 0

    def feed(self, openai_sse: bytes) -> bytes:
        out: list[bytes] = []
        for raw in iter_events(openai_sse):
            sse = parse_event(raw)
            if sse.is_done:
                out.append(self.finish())
                continue
            chunk = json_object(sse.data)
            if isinstance(chunk.get("error"), dict):
                out.append(self._error(chunk["error"]))
            elif chunk and not self.finished:
                out.extend(self._chunk(chunk))
        return b"".join(out)

    def finish(self) -> bytes:
        if self.finished:
            return b""
        out = [] if self.started else [self._start({})]
        out.append(self._close_block())
        self.finished = True
        delta = {"stop_reason": self.stop_reason, "stop_sequence": None}
        usage = {"input_tokens": self.input_tokens, "output_tokens": self.output_tokens}
        out.append(event("message_delta", {"delta": delta, "usage": usage}))
        out.append(event("message_stop", {}))
        return b"".join(out)

    def end_of_body(self) -> bytes:
        """The upstream body ended: close the message if the answer was whole (some
        OpenAI-compatible servers omit `[DONE]`), never a stream that was cut short."""
        return self.finish() if self.answer_complete else b""

    def _chunk(self, chunk: dict[str, Any]) -> list[bytes]:
        out = [] if self.started else [self._start(chunk)]
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            self.input_tokens = usage.get("prompt_tokens") or self.input_tokens
            self.output_tokens = usage.get("completion_tokens") or self.output_tokens
        for choice in chunk.get("choices") or []:
            if choice.get("index", 0) == 0:
                out.extend(self._choice(choice))
        return out

    def _choice(self, choice: dict[str, Any]) -> list[bytes]:
        delta = choice.get("delta") or {}
        out: list[bytes] = []
        if delta.get("content"):
            out.extend(self._text(delta["content"]))
        for call in delta.get("tool_calls") or []:
            out.extend(self._tool_call(call))
        if choice.get("finish_reason"):
            self.answer_complete = True
            self.stop_reason = STOP_REASONS.get(choice["finish_reason"], "end_turn")
            out.append(self._close_block())
        return out

    def _start(self, chunk: dict[str, Any]) -> bytes:
        self.started = True
        usage = chunk.get("usage")
        reported = usage.get("prompt_tokens") if isinstance(usage, dict) else None
        if isinstance(reported, int) and reported > 0:
            input_tokens = reported
        else:
            input_tokens = self.estimate_input() if self.estimate_input else 0
        message = {
            "id": chunk.get("id", ""),
            "type": "message",
            "role": "assistant",
            "model": chunk.get("model") or self.model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": 0},
        }
        return event("message_start", {"message": message})

    def _text(self, text: str) -> list[bytes]:
        out = []
        if self.open_kind != "text":
            out.append(self._open_block({"type": "text", "text": ""}, "text"))
        delta = {"type": "text_delta", "text": text}
        out.append(event("content_block_delta", {"index": self.block, "delta": delta}))
        return out

    def _tool_call(self, call: dict[str, Any]) -> list[bytes]:
        out = []
        tool_index = call.get("index", 0)
        function = call.get("function") or {}
        if tool_index not in self.block_of_tool:
            block = {"type": "tool_use", "id": call.get("id", ""), "name": function.get("name", "")}
            out.append(self._open_block({**block, "input": {}}, "tool_use"))
            self.block_of_tool[tool_index] = self.block
        if function.get("arguments"):
            delta = {"type": "input_json_delta", "partial_json": function["arguments"]}
            index = self.block_of_tool[tool_index]
            out.append(event("content_block_delta", {"index": index, "delta": delta}))
        return out

    def _open_block(self, content_block: dict[str, Any], kind: str) -> bytes:
        closing = self._close_block()
        self.block += 1
        self.open_kind = kind
        opening = event(
            "content_block_start", {"index": self.block, "content_block": content_block}
        )
        return closing + opening

    def _close_block(self) -> bytes:
        if not self.open_kind:
            return b""
        self.open_kind = ""
        return event("content_block_stop", {"index": self.block})

    def _error(self, error: dict[str, Any]) -> bytes:
        self.finished = True
        body = {"type": _error_type(error), "message": error.get("message", "")}
        return event("error", {"error": body})


def _error_type(error: dict[str, Any]) -> str:
    if error.get("type") == "rate_limit_error":
        return "rate_limit_error"
    return "overloaded_error" if error.get("code") == "overloaded_error" else "api_error"
