"""Anthropic Messages request → OpenAI chat request (the inverse of `anthropic_request`).

`system` becomes a leading system message; `tool_result` blocks become `tool` messages placed
before the rest of their user turn; `tool_use` blocks become assistant tool calls. Thinking
blocks are dropped (no OpenAI counterpart). Server tools and documents cannot be carried to
other vendors and are refused.
"""

from __future__ import annotations

from typing import Any

import orjson

from proxy.errors import MISSING_MODEL
from proxy.providers.common.errors import TranslationError

_SKIPPED_BLOCKS = {"thinking", "redacted_thinking"}
_TOOL_CHOICES = {"auto": "auto", "any": "required", "none": "none"}


def openai_payload(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise TranslationError("The request body must be a JSON object.")
    if not isinstance(body.get("model"), str) or not body["model"]:
        raise TranslationError(MISSING_MODEL.message, kind=MISSING_MODEL, param="model")
    if not isinstance(body.get("messages"), list):
        raise TranslationError("'messages' must be an array.", param="messages")
    payload: dict[str, Any] = {"model": body["model"], "messages": _messages(body)}
    if body.get("max_tokens"):
        payload["max_tokens"] = body["max_tokens"]
    for ours, theirs in (("temperature", "temperature"), ("top_p", "top_p")):
        if body.get(ours) is not None:
            payload[theirs] = body[ours]
    if body.get("stop_sequences"):
        payload["stop"] = body["stop_sequences"]
    _add_tools(body, payload)
    user_id = (body.get("metadata") or {}).get("user_id")
    if user_id:
        payload["user"] = user_id
    if body.get("stream"):
        payload["stream"] = True
        payload["stream_options"] = {"include_usage": True}
    return payload


def _messages(body: dict[str, Any]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = []
    system = _text(body.get("system"))
    if system:
        messages.append({"role": "system", "content": system})
    for index, message in enumerate(body["messages"]):
        if not isinstance(message, dict) or message.get("role") not in {"user", "assistant"}:
            raise TranslationError(f"messages[{index}] needs role user or assistant.")
        if message["role"] == "assistant":
            messages.append(_assistant(message.get("content")))
        else:
            messages.extend(_user(message.get("content")))
    return messages


def _user(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"role": "user", "content": content}]
    results: list[dict[str, Any]] = []
    parts: list[dict[str, Any]] = []
    for block in content or []:
        kind = block.get("type")
        if kind == "tool_result":
            results.append(
                {
                    "role": "tool",
                    "tool_call_id": block.get("tool_use_id", ""),
                    "content": _text(block.get("content")),
                }
            )
        elif kind == "text":
            parts.append({"type": "text", "text": block.get("text", "")})
        elif kind == "image":
            parts.append({"type": "image_url", "image_url": {"url": _image_url(block)}})
        elif kind not in _SKIPPED_BLOCKS:
            raise TranslationError(f"Content block type {kind!r} is not supported here.")
    if parts:
        results.append({"role": "user", "content": _simplified(parts)})
    return results


def _assistant(content: Any) -> dict[str, Any]:
    if isinstance(content, str):
        return {"role": "assistant", "content": content}
    texts: list[str] = []
    calls: list[dict[str, Any]] = []
    for block in content or []:
        if block.get("type") == "text":
            texts.append(block.get("text", ""))
        elif block.get("type") == "tool_use":
            arguments = orjson.dumps(block.get("input") or {}).decode()
            function = {"name": block.get("name", ""), "arguments": arguments}
            calls.append({"id": block.get("id", ""), "type": "function", "function": function})
    message: dict[str, Any] = {"role": "assistant", "content": "".join(texts) or None}
    if calls:
        message["tool_calls"] = calls
    return message


def _simplified(parts: list[dict[str, Any]]) -> str | list[dict[str, Any]]:
    if all(p["type"] == "text" for p in parts):
        return "\n".join(p["text"] for p in parts)
    return parts


def _text(content: Any) -> str:
    """A string, or the text of a list of blocks (system prompts, tool results)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    return "\n".join(b.get("text", "") for b in content if b.get("type") == "text")


def _image_url(block: dict[str, Any]) -> str:
    source = block.get("source") or {}
    if source.get("type") == "base64":
        return f"data:{source.get('media_type', '')};base64,{source.get('data', '')}"
    if source.get("type") == "url":
        return str(source.get("url", ""))
    raise TranslationError(f"Image source type {source.get('type')!r} is not supported here.")


def _add_tools(body: dict[str, Any], payload: dict[str, Any]) -> None:
    tools = body.get("tools") or []
    if not tools:
        return
    payload["tools"] = [_tool(t) for t in tools]
    choice = body.get("tool_choice") or {}
    kind = choice.get("type")
    if kind == "tool":
        payload["tool_choice"] = {"type": "function", "function": {"name": choice.get("name")}}
    elif kind in _TOOL_CHOICES:
        payload["tool_choice"] = _TOOL_CHOICES[kind]
    if choice.get("disable_parallel_tool_use"):
        payload["parallel_tool_calls"] = False


def _tool(tool: dict[str, Any]) -> dict[str, Any]:
    if tool.get("type") not in (None, "custom"):
        raise TranslationError(f"Server tool {tool.get('type')!r} is only offered by Anthropic.")
    function: dict[str, Any] = {"name": tool.get("name", "")}
    if tool.get("description"):
        function["description"] = tool["description"]
    function["parameters"] = tool.get("input_schema") or {"type": "object", "properties": {}}
    return {"type": "function", "function": function}
