"""Cohere Chat API v2: `POST {base}/v2/chat`, `Authorization: Bearer`."""

from __future__ import annotations

from typing import Any

import orjson

from proxy.providers.base import UpstreamRequest, Usage
from proxy.providers.cohere.request import cohere_body
from proxy.providers.cohere.response import (
    cohere_error,
    cohere_result,
    cohere_usage,
)
from proxy.providers.cohere.stream import CohereStreamReader
from proxy.providers.common.chat import ChatRequest
from proxy.providers.common.errors import UpstreamError
from proxy.providers.common.result import ChatResult
from proxy.providers.common.translating import TranslatingDriver
from proxy.providers.common.upstream import forwarded_headers, join_url, json_headers
from proxy.sse import event_json

CHAT_PATH = "/v2/chat"


class CohereDriver(TranslatingDriver):
    def auth_headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self.call.credential}"}

    def native_request(self) -> UpstreamRequest:
        headers = {**forwarded_headers(self.call), **self.auth_headers()}
        url = join_url(self.call.endpoint.url, self.call.operation, self.call.query)
        return UpstreamRequest(self.call.method, url, headers, self.call.body)

    def unified_request(self, chat: ChatRequest) -> UpstreamRequest:
        headers = json_headers(**self.auth_headers())
        if chat.stream:
            headers["accept"] = "text/event-stream"
        url = join_url(self.call.endpoint.url, CHAT_PATH)
        return UpstreamRequest("POST", url, headers, orjson.dumps(cohere_body(chat)))

    def read_result(self, data: Any) -> ChatResult:
        result = cohere_result(data, model=self.requested_model())
        result.id = result.id or f"chatcmpl-{self.call.extra.get('request_id', '')}"
        return result

    def new_stream_reader(self) -> CohereStreamReader:
        return CohereStreamReader(self.requested_model())

    def read_error(self, status: int, body: bytes) -> UpstreamError:
        return cohere_error(status, body)

    def native_usage(self, data: Any) -> Usage:
        return cohere_usage(data.get("usage")) if isinstance(data, dict) else Usage()

    def native_stream_ends(self, raw: bytes) -> bool:
        return b"message-end" in raw and event_json(raw).get("type") == "message-end"

    def native_stream_usage(self, raw: bytes) -> Usage | None:
        if b"message-end" not in raw:
            return None
        return cohere_usage((event_json(raw).get("delta") or {}).get("usage"))


DRIVER = CohereDriver
