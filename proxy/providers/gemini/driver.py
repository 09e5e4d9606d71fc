"""Google Gemini API: `{base}/{version}/models/{model}:generateContent` and
`:streamGenerateContent?alt=sse`, authenticated with `x-goog-api-key`.

Settings: `api_version` (default v1beta). The model travels in the URL, not the body.
Callers may use `v1` or `v1beta` paths (the `google-genai` SDK defaults to `v1`): each defined
operation is served at both. Upstream, the version the endpoint names wins (its URL ending in
`/v1beta`, or its own `api_version` setting), else the caller's is kept. A `RetryInfo` delay in
an error becomes `retry-after`.
Native streaming is metered when the caller asks for `alt=sse` (what the Google SDKs do); the
JSON-array form without it passes through unmetered.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from proxy.providers.base import UpstreamRequest, Usage
from proxy.providers.common.chat import ChatRequest
from proxy.providers.common.errors import TranslationError, UpstreamError
from proxy.providers.common.result import ChatResult
from proxy.providers.common.translating import TranslatingDriver
from proxy.providers.common.upstream import (
    forwarded_headers,
    join_url,
    json_headers,
    without_query_params,
)
from proxy.providers.gemini.request import gemini_body
from proxy.providers.gemini.response import (
    gemini_error,
    gemini_result,
    gemini_usage,
    retry_after_seconds,
)
from proxy.providers.gemini.stream import GeminiStreamReader
from proxy.sse import event_json

API_VERSION = "v1beta"
VERSIONS = ("v1", "v1beta")
_MODEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_MODEL_IN_PATH = re.compile(r"/models/([^/:]+):")
_ERROR = b'data: {"error"'


class GeminiDriver(TranslatingDriver):
    def auth_headers(self) -> dict[str, str]:
        return {"x-goog-api-key": self.call.credential}

    @classmethod
    def operation_aliases(cls, method: str, path: str) -> tuple[str, ...]:
        version, slash, rest = path.lstrip("/").partition("/")
        if version not in VERSIONS:
            return ()
        return tuple(f"/{other}{slash}{rest}" for other in VERSIONS if other != version)

    def native_request(self) -> UpstreamRequest:
        headers = {**forwarded_headers(self.call), **self.auth_headers()}
        query = without_query_params(self.call.query, frozenset({"key"}))
        url = join_url(self.call.endpoint.url, self._upstream_operation(), query)
        return UpstreamRequest(self.call.method, url, headers, self.call.body)

    def _upstream_operation(self) -> str:
        """The caller's operation, under the API version the endpoint names."""
        operation = self.call.operation
        version, slash, rest = operation.lstrip("/").partition("/")
        if version not in VERSIONS:
            return operation
        named = self.call.endpoint.url.rstrip("/").rsplit("/", 1)[-1]
        if named not in VERSIONS:
            named = str(self.call.endpoint.settings.get("api_version") or version)
        return f"/{named}{slash}{rest}"

    def error_headers(self, status: int, body: bytes) -> list[tuple[bytes, bytes]]:
        seconds = retry_after_seconds(body) if status in (429, 503) else None
        return [] if seconds is None else [(b"retry-after", str(seconds).encode())]

    def unified_request(self, chat: ChatRequest) -> UpstreamRequest:
        model = chat.model.removeprefix("models/")
        if not _MODEL.fullmatch(model):
            raise TranslationError(f"invalid model name {chat.model!r}", param="model")
        version = self.settings.get("api_version", API_VERSION)
        method = "streamGenerateContent" if chat.stream else "generateContent"
        query = "alt=sse" if chat.stream else ""
        url = join_url(self.call.endpoint.url, f"/{version}/models/{model}:{method}", query)
        headers = json_headers(**self.auth_headers())
        if chat.stream:
            headers["accept"] = "text/event-stream"
        return UpstreamRequest("POST", url, headers, orjson.dumps(gemini_body(chat)))

    def requested_model(self) -> str:
        if self.unified:
            return super().requested_model()
        found = _MODEL_IN_PATH.search(self.call.operation)
        return found.group(1) if found else ""

    def read_result(self, data: Any) -> ChatResult:
        fallback_id = f"chatcmpl-{self.call.extra.get('request_id', '')}"
        return gemini_result(data, fallback_id=fallback_id, model=self.requested_model())

    def new_stream_reader(self) -> GeminiStreamReader:
        return GeminiStreamReader()

    def read_error(self, status: int, body: bytes) -> UpstreamError:
        return gemini_error(status, body)

    def native_usage(self, data: Any) -> Usage:
        if isinstance(data, list):  # a streamGenerateContent answer without alt=sse
            data = next((d for d in reversed(data) if "usageMetadata" in d), None)
        return gemini_usage(data) if isinstance(data, dict) else Usage()

    def native_stream_ends(self, raw: bytes) -> bool:
        # Gemini has no terminal event: the last candidate carries the finish reason.
        return b'"finishReason"' in raw or b'"blockReason"' in raw or raw.startswith(_ERROR)

    def native_stream_usage(self, raw: bytes) -> Usage | None:
        if b"usageMetadata" not in raw:
            return None
        return gemini_usage(event_json(raw))


DRIVER = GeminiDriver
