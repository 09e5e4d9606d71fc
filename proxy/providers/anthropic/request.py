"""OpenAI chat request → Anthropic Messages request body.

System and developer messages become the top-level `system`; tool results become `tool_result`
blocks in a user turn (consecutive results share one turn, as parallel tool use requires);
assistant tool calls become `tool_use` blocks. Anthropic requires `max_tokens`, so a request
without one gets the driver's default.
"""

from __future__ import annotations

from typing import Any

from proxy.providers.common.chat import (
    ChatMessage,
    ChatRequest,
    ImagePart,
    Part,
    TextPart,
    ToolChoice,
    ToolSpec,
)

EMPTY_SCHEMA = {"type": "object", "properties": {}}


def anthropic_body(chat: ChatRequest, *, default_max_tokens: int) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": chat.model,
        "max_tokens": chat.max_tokens or default_max_tokens,
        "messages": anthropic_messages(chat.dialogue),
    }
    if chat.system_text:
        body["system"] = chat.system_text
    _copy_sampling(chat, body)
    if chat.tools:
        body["tools"] = [anthropic_tool(t) for t in chat.tools]
        choice = anthropic_tool_choice(chat.tool_choice, chat.parallel_tool_calls)
        if choice:
            body["tool_choice"] = choice
    if chat.user:
        body["metadata"] = {"user_id": chat.user}
    if chat.stream:
        body["stream"] = True
    return body


def _copy_sampling(chat: ChatRequest, body: dict[str, Any]) -> None:
    if chat.temperature is not None:
        body["temperature"] = chat.temperature
    if chat.top_p is not None:
        body["top_p"] = chat.top_p
    if chat.stop:
        body["stop_sequences"] = chat.stop


def anthropic_messages(dialogue: list[ChatMessage]) -> list[dict[str, Any]]:
    """Consecutive user-side messages (tool results, then text) share one user turn; tool
    results may only join a turn holding nothing else, since Anthropic wants them first."""
    out: list[dict[str, Any]] = []
    for message in dialogue:
        if message.role == "assistant":
            out.append({"role": "assistant", "content": _assistant_content(message)})
            continue
        if message.role == "tool":
            content: str | list[dict[str, Any]] = [_tool_result(message)]
        else:
            content = _user_content(message.parts)
        previous = out[-1] if out and out[-1]["role"] == "user" else None
        if previous and (message.role != "tool" or _is_tool_results(previous["content"])):
            previous["content"] = _blocks(previous["content"]) + _blocks(content)
        else:
            out.append({"role": "user", "content": content})
    return out


def _tool_result(message: ChatMessage) -> dict[str, Any]:
    return {"type": "tool_result", "tool_use_id": message.tool_call_id, "content": message.text}


def _is_tool_results(content: Any) -> bool:
    return isinstance(content, list) and all(b.get("type") == "tool_result" for b in content)


def _blocks(content: str | list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"type": "text", "text": content}] if isinstance(content, str) else content


def _user_content(parts: list[Part]) -> str | list[dict[str, Any]]:
    if len(parts) == 1 and isinstance(parts[0], TextPart):
        return parts[0].text
    return [_block(p) for p in parts]


def _assistant_content(message: ChatMessage) -> str | list[dict[str, Any]]:
    if not message.tool_calls and message.is_text_only:
        return message.text
    blocks = [_block(p) for p in message.parts if not isinstance(p, TextPart) or p.text]
    for call in message.tool_calls:
        blocks.append(
            {"type": "tool_use", "id": call.id, "name": call.name, "input": call.arguments_object()}
        )
    return blocks


def _block(part: Part) -> dict[str, Any]:
    if isinstance(part, TextPart):
        return {"type": "text", "text": part.text}
    return {"type": "image", "source": _image_source(part)}


def _image_source(image: ImagePart) -> dict[str, str]:
    inline = image.inline
    if inline is None:
        return {"type": "url", "url": image.url}
    media_type, data = inline
    return {"type": "base64", "media_type": media_type, "data": data}


def anthropic_tool(tool: ToolSpec) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": tool.name}
    if tool.description:
        spec["description"] = tool.description
    spec["input_schema"] = tool.parameters or EMPTY_SCHEMA
    return spec


def anthropic_tool_choice(
    choice: ToolChoice | None, parallel_tool_calls: bool | None
) -> dict[str, Any] | None:
    if choice is None and parallel_tool_calls is not False:
        return None
    mode = choice.mode if choice else "auto"
    if mode == "none":
        return {"type": "none"}
    out: dict[str, Any] = {"type": {"auto": "auto", "required": "any"}.get(mode, "tool")}
    if mode == "function" and choice:
        out["name"] = choice.name
    if parallel_tool_calls is False:
        out["disable_parallel_tool_use"] = True
    return out
