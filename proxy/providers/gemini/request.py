"""OpenAI chat request → Gemini `generateContent` request body.

System messages become `systemInstruction`; assistant turns have role "model"; tool calls become
`functionCall` parts and tool results `functionResponse` parts (matched to the call's function
name, which Gemini needs and OpenAI tool messages do not carry). Tool parameters go as
`parametersJsonSchema`, which takes OpenAI's JSON Schema as is.

Gemini 2.5+ attaches a `thoughtSignature` to function calls and wants it back on the next turn;
OpenAI clients only echo the tool call id, so the signature travels inside that id.
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
from proxy.providers.common.errors import TranslationError

SIGNATURE_MARK = "__thought__"

_TOOL_MODES = {"auto": "AUTO", "none": "NONE", "required": "ANY", "function": "ANY"}


def tool_call_id(base: str, signature: str | None) -> str:
    return f"{base}{SIGNATURE_MARK}{signature}" if signature else base


def split_tool_call_id(call_id: str) -> tuple[str, str | None]:
    base, mark, signature = call_id.partition(SIGNATURE_MARK)
    return base, signature if mark else None


def gemini_body(chat: ChatRequest) -> dict[str, Any]:
    body: dict[str, Any] = {"contents": gemini_contents(chat.dialogue)}
    if chat.system_text:
        body["systemInstruction"] = {"parts": [{"text": chat.system_text}]}
    config = generation_config(chat)
    if config:
        body["generationConfig"] = config
    if chat.tools:
        body["tools"] = [{"functionDeclarations": [gemini_function(t) for t in chat.tools]}]
        if chat.tool_choice:
            body["toolConfig"] = {"functionCallingConfig": _calling_config(chat.tool_choice)}
    return body


def generation_config(chat: ChatRequest) -> dict[str, Any]:
    pairs = {
        "temperature": chat.temperature,
        "topP": chat.top_p,
        "maxOutputTokens": chat.max_tokens,
        "stopSequences": chat.stop or None,
        "candidateCount": chat.n,
        "seed": chat.seed,
        "presencePenalty": chat.presence_penalty,
        "frequencyPenalty": chat.frequency_penalty,
    }
    config: dict[str, Any] = {k: v for k, v in pairs.items() if v is not None}
    if chat.response_format:
        config["responseMimeType"] = "application/json"
        if chat.response_format.schema:
            config["responseJsonSchema"] = chat.response_format.schema
    return config


def gemini_contents(dialogue: list[ChatMessage]) -> list[dict[str, Any]]:
    names = {c.id: c.name for m in dialogue for c in m.tool_calls}
    contents: list[dict[str, Any]] = []
    for message in dialogue:
        if message.role == "assistant":
            contents.append({"role": "model", "parts": _model_parts(message)})
            continue
        if message.role == "tool":
            parts = [_function_response(message, names)]
        else:
            parts = [_part(p) for p in message.parts]
        if contents and contents[-1]["role"] == "user":  # e.g. parallel tool results
            contents[-1]["parts"].extend(parts)
        else:
            contents.append({"role": "user", "parts": parts})
    return contents


def _model_parts(message: ChatMessage) -> list[dict[str, Any]]:
    parts = [_part(p) for p in message.parts if not isinstance(p, TextPart) or p.text]
    for call in message.tool_calls:
        _, signature = split_tool_call_id(call.id)
        part: dict[str, Any] = {
            "functionCall": {"name": call.name, "args": call.arguments_object()}
        }
        if signature:
            part["thoughtSignature"] = signature
        parts.append(part)
    return parts


def _function_response(message: ChatMessage, names: dict[str, str]) -> dict[str, Any]:
    name = names.get(message.tool_call_id) or message.name
    if not name:
        raise TranslationError(
            f"tool message for {message.tool_call_id!r} matches no earlier tool call",
            param="messages",
        )
    return {"functionResponse": {"name": name, "response": {"content": message.text}}}


def _part(part: Part) -> dict[str, Any]:
    if isinstance(part, TextPart):
        return {"text": part.text}
    return _image_part(part)


def _image_part(image: ImagePart) -> dict[str, Any]:
    inline = image.inline
    if inline is None:
        return {"fileData": {"fileUri": image.url}}
    media_type, data = inline
    return {"inlineData": {"mimeType": media_type, "data": data}}


def gemini_function(tool: ToolSpec) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": tool.name}
    if tool.description:
        spec["description"] = tool.description
    if tool.parameters:
        spec["parametersJsonSchema"] = tool.parameters
    return spec


def _calling_config(choice: ToolChoice) -> dict[str, Any]:
    config: dict[str, Any] = {"mode": _TOOL_MODES[choice.mode]}
    if choice.mode == "function":
        config["allowedFunctionNames"] = [choice.name]
    return config
