"""OpenAI chat request → Cohere Chat v2 request body.

Cohere v2 is close to OpenAI: same roles (developer read as system), the same tool call and tool
result shapes. Differences: `p` for top_p, `stop_sequences`, a `tool_plan` where OpenAI puts an
assistant's text beside its tool calls, and `tool_choice` limited to REQUIRED / NONE (a named
function is forced by offering only that tool).
"""

from __future__ import annotations

from typing import Any

from proxy.providers.common.chat import (
    ChatMessage,
    ChatRequest,
    ImagePart,
    Part,
    TextPart,
    ToolSpec,
)

_SAMPLING = {
    "max_tokens": "max_tokens",
    "temperature": "temperature",
    "top_p": "p",
    "seed": "seed",
    "frequency_penalty": "frequency_penalty",
    "presence_penalty": "presence_penalty",
}


def cohere_body(chat: ChatRequest) -> dict[str, Any]:
    body: dict[str, Any] = {"model": chat.model, "messages": [_message(m) for m in chat.messages]}
    for ours, theirs in _SAMPLING.items():
        value = getattr(chat, ours)
        if value is not None:
            body[theirs] = value
    if chat.stop:
        body["stop_sequences"] = chat.stop
    _add_tools(chat, body)
    if chat.response_format:
        response_format: dict[str, Any] = {"type": "json_object"}
        if chat.response_format.schema:
            response_format["json_schema"] = chat.response_format.schema
        body["response_format"] = response_format
    if chat.stream:
        body["stream"] = True
    return body


def _add_tools(chat: ChatRequest, body: dict[str, Any]) -> None:
    if not chat.tools:
        return
    choice = chat.tool_choice
    tools = chat.tools
    if choice and choice.mode == "function":
        tools = [t for t in tools if t.name == choice.name] or tools
    body["tools"] = [{"type": "function", "function": _function(t)} for t in tools]
    if choice and choice.mode in {"required", "function"}:
        body["tool_choice"] = "REQUIRED"
    elif choice and choice.mode == "none":
        body["tool_choice"] = "NONE"


def _function(tool: ToolSpec) -> dict[str, Any]:
    function: dict[str, Any] = {"name": tool.name}
    if tool.description:
        function["description"] = tool.description
    function["parameters"] = tool.parameters or {"type": "object", "properties": {}}
    return function


def _message(message: ChatMessage) -> dict[str, Any]:
    if message.role == "tool":
        return {"role": "tool", "tool_call_id": message.tool_call_id, "content": message.text}
    if message.role == "assistant" and message.tool_calls:
        out: dict[str, Any] = {
            "role": "assistant",
            "tool_calls": [
                {
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.name, "arguments": c.arguments or "{}"},
                }
                for c in message.tool_calls
            ],
        }
        if message.text:
            out["tool_plan"] = message.text
        return out
    return {"role": message.role, "content": _content(message.parts)}


def _content(parts: list[Part]) -> str | list[dict[str, Any]]:
    if all(isinstance(p, TextPart) for p in parts):
        return "\n".join(p.text for p in parts if isinstance(p, TextPart))
    return [_part(p) for p in parts]


def _part(part: Part) -> dict[str, Any]:
    if isinstance(part, ImagePart):
        return {"type": "image_url", "image_url": {"url": part.url}}
    return {"type": "text", "text": part.text}
