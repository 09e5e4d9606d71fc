"""Anthropic Messages ingress: callers speaking `/v1/messages` (the `anthropic` SDK, Claude
Code) reach any vendor.

The caller's Messages request becomes an OpenAI chat request that the API's own driver sends in
the unified way; its OpenAI-shaped answers, stream chunks and errors come back as Anthropic
messages, events and errors. When the vendor itself is Anthropic the call simply passes
through natively. `open_driver` picks between the two.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import orjson

from proxy.providers.anthropic.ingress_request import openai_payload
from proxy.providers.anthropic.ingress_stream import AnthropicStreamWriter
from proxy.providers.base import Call, Driver, Translated, UpstreamRequest
from proxy.providers.common.errors import TranslationError, text_of
from proxy.providers.registry import DriverFactory

MESSAGES_PATH = "/v1/messages"
CHAT_COMPLETIONS = "/chat/completions"

STOP_REASONS = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "content_filter": "refusal",
}
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    504: "timeout_error",
    529: "overloaded_error",
}


def open_driver(call: Call, driver_cls: DriverFactory) -> Driver:
    """The driver serving an Anthropic-ingress call on a vendor whose driver is `driver_cls`."""
    if call.vendor.driver == "anthropic":
        return driver_cls(dataclasses.replace(call, ingress="native", operation=MESSAGES_PATH))
    return AnthropicIngressDriver(call, driver_cls)


class AnthropicIngressDriver:
    def __init__(self, call: Call, driver_cls: DriverFactory) -> None:
        source = call.payload if call.payload is not None else _loads(call.body)
        payload = openai_payload(source)
        self.inner: Driver = driver_cls(
            dataclasses.replace(
                call,
                operation=CHAT_COMPLETIONS,
                ingress="openai",
                headers={k: v for k, v in call.headers.items() if not k.startswith("anthropic-")},
                payload=payload,
                body=orjson.dumps(payload),
                stream=bool(payload.get("stream")),
                client_wants_usage=True,  # the final message_delta carries the usage
            )
        )
        self.writer = AnthropicStreamWriter(model=payload["model"])

    def build_request(self) -> UpstreamRequest:
        return self.inner.build_request()

    def parse_response(self, status: int, body: bytes) -> Translated:
        translated = self.inner.parse_response(status, body)
        message = anthropic_message(orjson.loads(translated.body))
        return Translated(orjson.dumps(message), translated.usage)

    def parse_stream_event(self, event: bytes) -> Translated:
        translated = self.inner.parse_stream_event(event)
        return Translated(self.writer.feed(translated.body), translated.usage)

    def stream_end(self) -> bytes:
        return self.writer.feed(self.inner.stream_end()) + self.writer.end_of_body()

    def map_error(self, status: int, body: bytes) -> tuple[int, bytes]:
        status, body = self.inner.map_error(status, body)
        return status, anthropic_error_body(status, body)


def anthropic_message(completion: dict[str, Any]) -> dict[str, Any]:
    """An OpenAI `chat.completion` as an Anthropic `message`."""
    choice = (completion.get("choices") or [{}])[0]
    message = choice.get("message") or {}
    content: list[dict[str, Any]] = []
    if message.get("content"):
        content.append({"type": "text", "text": message["content"]})
    for call in message.get("tool_calls") or []:
        function = call.get("function") or {}
        content.append(
            {
                "type": "tool_use",
                "id": call.get("id", ""),
                "name": function.get("name", ""),
                "input": tool_input(function.get("arguments")),
            }
        )
    usage = completion.get("usage") or {}
    return {
        "id": completion.get("id", ""),
        "type": "message",
        "role": "assistant",
        "model": completion.get("model", ""),
        "content": content,
        "stop_reason": STOP_REASONS.get(choice.get("finish_reason") or "stop", "end_turn"),
        "stop_sequence": None,
        "usage": {
            "input_tokens": usage.get("prompt_tokens", 0),
            "output_tokens": usage.get("completion_tokens", 0),
        },
    }


def tool_input(arguments: str | None) -> dict[str, Any]:
    try:
        value = orjson.loads(arguments or "{}")
    except orjson.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def anthropic_error_type(status: int) -> str:
    if status in ERROR_TYPES:
        return ERROR_TYPES[status]
    return "api_error" if status >= 500 else "invalid_request_error"


def anthropic_error_body(status: int, openai_body: bytes) -> bytes:
    """An OpenAI-shaped error (the gateway's own, or a translated upstream one) for an
    Anthropic caller."""
    try:
        message = (orjson.loads(openai_body).get("error") or {}).get("message")
    except (orjson.JSONDecodeError, AttributeError):
        message = None
    error = {"type": anthropic_error_type(status), "message": message or text_of(openai_body)}
    return orjson.dumps({"type": "error", "error": error})


def _loads(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise TranslationError("The request body is not valid JSON.") from exc
