"""A typed, vendor-neutral view of an OpenAI Chat Completions request.

Parsed once from the caller's JSON, then written out in each vendor's format. Anything the
unified surface cannot carry to another vendor (audio input, files) is refused here with a clear
error rather than dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from proxy.errors import MISSING_MODEL
from proxy.providers.common.errors import TranslationError

ROLES = {"system", "developer", "user", "assistant", "tool"}


@dataclass(frozen=True, slots=True)
class TextPart:
    text: str


@dataclass(frozen=True, slots=True)
class ImagePart:
    url: str  # http(s) URL or a data: URL

    @property
    def inline(self) -> tuple[str, str] | None:
        """(media type, base64 data) of a data: URL, else None."""
        if not self.url.startswith("data:"):
            return None
        head, sep, data = self.url[5:].partition(",")
        media_type, _, encoding = head.partition(";")
        if not sep or encoding != "base64" or not data:
            raise TranslationError("image data URLs must be base64")
        return media_type or "application/octet-stream", data


Part = TextPart | ImagePart


@dataclass(frozen=True, slots=True)
class ToolCall:
    id: str
    name: str
    arguments: str  # JSON text, as OpenAI carries it

    def arguments_object(self) -> dict[str, Any]:
        try:
            value = orjson.loads(self.arguments or "{}")
        except orjson.JSONDecodeError as exc:
            raise TranslationError(f"tool call {self.id!r}: arguments are not valid JSON") from exc
        if not isinstance(value, dict):
            raise TranslationError(f"tool call {self.id!r}: arguments must be a JSON object")
        return value


@dataclass(slots=True)
class ChatMessage:
    role: str  # system | user | assistant | tool ("developer" is read as system)
    parts: list[Part] = field(default_factory=list)
    tool_calls: list[ToolCall] = field(default_factory=list)
    tool_call_id: str = ""
    name: str = ""

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.parts if isinstance(p, TextPart))

    @property
    def is_text_only(self) -> bool:
        return all(isinstance(p, TextPart) for p in self.parts)


@dataclass(frozen=True, slots=True)
class ToolSpec:
    name: str
    description: str = ""
    parameters: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ToolChoice:
    mode: str  # auto | none | required | function
    name: str = ""


@dataclass(frozen=True, slots=True)
class ResponseFormat:
    kind: str  # text | json_object | json_schema
    schema: dict[str, Any] | None = None
    name: str = ""


@dataclass(slots=True)
class ChatRequest:
    model: str
    messages: list[ChatMessage]
    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    stop: list[str] = field(default_factory=list)
    stream: bool = False
    include_usage: bool = False
    tools: list[ToolSpec] = field(default_factory=list)
    tool_choice: ToolChoice | None = None
    parallel_tool_calls: bool | None = None
    user: str = ""
    n: int | None = None
    seed: int | None = None
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    response_format: ResponseFormat | None = None

    @property
    def system_text(self) -> str:
        return "\n\n".join(m.text for m in self.messages if m.role == "system" and m.text)

    @property
    def dialogue(self) -> list[ChatMessage]:
        return [m for m in self.messages if m.role != "system"]


def parse_chat_request(payload: dict[str, Any] | None) -> ChatRequest:
    if not isinstance(payload, dict):
        raise TranslationError("the request body must be a JSON object")
    raw_messages = payload.get("messages")
    if not isinstance(raw_messages, list) or not raw_messages:
        raise TranslationError("'messages' must be a non-empty array", param="messages")
    stream_options = payload.get("stream_options") or {}
    return ChatRequest(
        model=_model(payload),
        messages=[_message(m, i) for i, m in enumerate(raw_messages)],
        max_tokens=payload.get("max_completion_tokens") or payload.get("max_tokens"),
        temperature=payload.get("temperature"),
        top_p=payload.get("top_p"),
        stop=_stop(payload.get("stop")),
        stream=bool(payload.get("stream")),
        include_usage=bool(stream_options.get("include_usage")),
        tools=[_tool(t) for t in payload.get("tools") or []],
        tool_choice=_tool_choice(payload.get("tool_choice")),
        parallel_tool_calls=payload.get("parallel_tool_calls"),
        user=payload.get("user") or "",
        n=payload.get("n"),
        seed=payload.get("seed"),
        presence_penalty=payload.get("presence_penalty"),
        frequency_penalty=payload.get("frequency_penalty"),
        response_format=_response_format(payload.get("response_format")),
    )


def _model(payload: dict[str, Any]) -> str:
    value = payload.get("model")
    if not isinstance(value, str) or not value:
        raise TranslationError(MISSING_MODEL.message, kind=MISSING_MODEL, param="model")
    return value


def _stop(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _message(raw: Any, index: int) -> ChatMessage:
    if not isinstance(raw, dict) or raw.get("role") not in ROLES:
        raise TranslationError(
            f"messages[{index}] needs a role among {sorted(ROLES)}", param=f"messages[{index}]"
        )
    role = "system" if raw["role"] == "developer" else raw["role"]
    return ChatMessage(
        role=role,
        parts=_parts(raw.get("content"), index),
        tool_calls=[_tool_call(c) for c in raw.get("tool_calls") or []],
        tool_call_id=raw.get("tool_call_id") or "",
        name=raw.get("name") or "",
    )


def _parts(content: Any, index: int) -> list[Part]:
    if content is None:
        return []
    if isinstance(content, str):
        return [TextPart(content)]
    parts: list[Part] = []
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            parts.append(TextPart(part.get("text", "")))
        elif kind == "image_url":
            image = part.get("image_url")
            parts.append(ImagePart(image if isinstance(image, str) else image.get("url", "")))
        else:
            raise TranslationError(
                f"messages[{index}]: content part type {kind!r} is not supported by this vendor",
                param=f"messages[{index}].content",
            )
    return parts


def _tool_call(raw: dict[str, Any]) -> ToolCall:
    function = raw.get("function") or {}
    return ToolCall(
        id=raw.get("id") or "",
        name=function.get("name") or "",
        arguments=function.get("arguments") or "",
    )


def _tool(raw: dict[str, Any]) -> ToolSpec:
    if raw.get("type", "function") != "function":
        raise TranslationError(f"tool type {raw.get('type')!r} is not supported", param="tools")
    function = raw.get("function") or {}
    if not function.get("name"):
        raise TranslationError("every tool needs function.name", param="tools")
    return ToolSpec(function["name"], function.get("description") or "", function.get("parameters"))


def _tool_choice(raw: Any) -> ToolChoice | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        if raw not in {"auto", "none", "required"}:
            raise TranslationError(f"unknown tool_choice {raw!r}", param="tool_choice")
        return ToolChoice(raw)
    name = (raw.get("function") or {}).get("name") if isinstance(raw, dict) else None
    if not name:
        raise TranslationError("tool_choice needs function.name", param="tool_choice")
    return ToolChoice("function", name)


def _response_format(raw: Any) -> ResponseFormat | None:
    if not isinstance(raw, dict) or raw.get("type") in (None, "text"):
        return None
    if raw["type"] == "json_object":
        return ResponseFormat("json_object")
    if raw["type"] == "json_schema":
        spec = raw.get("json_schema") or {}
        return ResponseFormat("json_schema", spec.get("schema"), spec.get("name") or "")
    raise TranslationError(f"unknown response_format {raw['type']!r}", param="response_format")
