"""Anthropic Messages API: `POST {base}/v1/messages`, `x-api-key` + `anthropic-version`.

Settings (vendor, overridden by endpoint): `anthropic_version` (default 2023-06-01),
`default_max_tokens` (Anthropic requires max_tokens; default 4096).
"""

from __future__ import annotations

from typing import Any

import orjson

from proxy.providers.anthropic.request import anthropic_body
from proxy.providers.anthropic.response import (
    anthropic_error,
    anthropic_result,
    anthropic_usage,
)
from proxy.providers.anthropic.stream import AnthropicStreamReader
from proxy.providers.base import UpstreamRequest, Usage
from proxy.providers.common.chat import ChatRequest
from proxy.providers.common.errors import UpstreamError
from proxy.providers.common.result import ChatResult
from proxy.providers.common.translating import TranslatingDriver
from proxy.providers.common.upstream import forwarded_headers, join_url, json_headers
from proxy.sse import event_json

API_VERSION = "2023-06-01"
MESSAGES_PATH = "/v1/messages"
DEFAULT_MAX_TOKENS = 4096


class AnthropicDriver(TranslatingDriver):
    def auth_headers(self) -> dict[str, str]:
        return {
            "x-api-key": self.call.credential,
            "anthropic-version": self.settings.get("anthropic_version", API_VERSION),
        }

    def native_request(self) -> UpstreamRequest:
        headers = forwarded_headers(self.call)
        auth = self.auth_headers()
        # A caller may pin its own API version (and betas); the key is always ours.
        auth["anthropic-version"] = headers.pop("anthropic-version", auth["anthropic-version"])
        url = join_url(self.call.endpoint.url, self.call.operation, self.call.query)
        return UpstreamRequest(self.call.method, url, {**headers, **auth}, self.call.body)

    def unified_request(self, chat: ChatRequest) -> UpstreamRequest:
        default_max = int(self.settings.get("default_max_tokens", DEFAULT_MAX_TOKENS))
        body = anthropic_body(chat, default_max_tokens=default_max)
        headers = json_headers(**self.auth_headers())
        if chat.stream:
            headers["accept"] = "text/event-stream"
        url = join_url(self.call.endpoint.url, MESSAGES_PATH)
        return UpstreamRequest("POST", url, headers, orjson.dumps(body))

    def read_result(self, data: Any) -> ChatResult:
        return anthropic_result(data)

    def new_stream_reader(self) -> AnthropicStreamReader:
        return AnthropicStreamReader()

    def read_error(self, status: int, body: bytes) -> UpstreamError:
        return anthropic_error(status, body)

    def native_usage(self, data: Any) -> Usage:
        if not isinstance(data, dict):
            return Usage()
        return anthropic_usage(data.get("usage"), data.get("model") or "")

    def native_stream_ends(self, raw: bytes) -> bool:
        if raw.startswith((b"event: message_stop", b"event: error")):
            return True
        return b"message_stop" in raw and event_json(raw).get("type") == "message_stop"

    def native_stream_usage(self, raw: bytes) -> Usage | None:
        if b"message_start" not in raw and b"message_delta" not in raw:
            return None
        data = event_json(raw)
        if data.get("type") == "message_start":
            message = data.get("message") or {}
            return anthropic_usage(message.get("usage"), message.get("model") or "")
        if data.get("type") == "message_delta":
            usage = anthropic_usage(data.get("usage"))
            usage.total_tokens = 0
            return usage
        return None


DRIVER = AnthropicDriver
