"""OpenAI and every OpenAI-compatible server: base URL + operation, `Authorization: Bearer`.

How the key travels comes from the vendor's auth settings (header name and prefix, or a query
parameter), so compatible servers are configuration of this driver, not copies of it.
"""

from __future__ import annotations

from typing import Any

import orjson

from proxy.credentials import place_credential
from proxy.providers.base import Call, Translated, UpstreamRequest, Usage
from proxy.sse import event_data

STREAMING_OPERATIONS = frozenset({"/chat/completions", "/completions"})


class OpenAIDriver:
    # Ask for the final usage chunk on streams (and hide it when the client did not ask).
    inject_stream_usage = True

    def __init__(self, call: Call) -> None:
        self.call = call
        self._injected = False
        self._model_seen = False
        # Only chat and legacy completions streams are known to end with `[DONE]` or a finish
        # reason; any other stream (an operation a publisher added) is not judged.
        self._ended = call.operation not in STREAMING_OPERATIONS

    def build_request(self) -> UpstreamRequest:
        call = self.call
        headers = dict(call.headers)
        query = place_credential(call.vendor.auth, call.credential, headers, call.query)
        return UpstreamRequest(call.method, self.url(query), headers, self.body())

    def url(self, query: str) -> str:
        url = self.call.endpoint.url.rstrip("/") + self.call.operation
        return f"{url}?{query}" if query else url

    def body(self) -> bytes | None:
        call = self.call
        if not call.body:
            return None
        if not (
            self.inject_stream_usage
            and call.stream
            and not call.client_wants_usage
            and call.payload is not None
            and call.operation in STREAMING_OPERATIONS
        ):
            return call.body
        options = call.payload.get("stream_options")
        options = (
            {**options, "include_usage": True}
            if isinstance(options, dict)
            else {"include_usage": True}
        )
        self._injected = True
        return orjson.dumps({**call.payload, "stream_options": options})

    def parse_response(self, status: int, body: bytes) -> Translated:
        if status >= 400:
            return Translated(body)
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return Translated(body)
        return Translated(body, usage_of(data) if isinstance(data, dict) else None)

    def parse_stream_event(self, event: bytes) -> Translated:
        if not self._ended:
            self._ended = ends_openai_stream(event)
        if self._model_seen and b'"usage"' not in event:
            return Translated(event)
        data = event_data(event)
        if not data or data == b"[DONE]":
            return Translated(event)
        try:
            chunk = orjson.loads(data)
        except orjson.JSONDecodeError:
            return Translated(event)
        if not isinstance(chunk, dict):
            return Translated(event)
        usage = usage_of(chunk)
        self._model_seen = self._model_seen or bool(usage and usage.model)
        if self._injected and not chunk.get("choices") and isinstance(chunk.get("usage"), dict):
            return Translated(b"", usage)  # the usage chunk only we asked for
        return Translated(event, usage)

    def stream_end(self) -> bytes:
        return b""

    def stream_complete(self) -> bool:
        return self._ended

    def map_error(self, status: int, body: bytes) -> tuple[int, bytes]:
        return status, body


_FINISH_REASON = b'"finish_reason":'
_DONE_EVENTS = (b"data: [DONE]", b"data:[DONE]")
_ERROR_EVENT = b'data: {"error"'


def ends_openai_stream(event: bytes) -> bool:
    """`data: [DONE]`, a chunk with a finish reason (some compatible servers omit `[DONE]`) or
    the provider's own in-band error. Quotes inside generated text are escaped, so the key
    cannot come from the answer."""
    at = event.find(_FINISH_REASON)
    if at >= 0:
        value = event[at + len(_FINISH_REASON) : at + len(_FINISH_REASON) + 2].lstrip()
        return value[:1] == b'"'
    return event.rstrip() in _DONE_EVENTS or event.startswith(_ERROR_EVENT)


def usage_of(data: dict[str, Any]) -> Usage | None:
    """Tokens and answering model from an OpenAI-shaped response or chunk."""
    model = data.get("model")
    raw = data.get("usage")
    if not isinstance(raw, dict):
        return Usage(model=model) if isinstance(model, str) and model else None
    prompt = _int(raw.get("prompt_tokens"))
    completion = _int(raw.get("completion_tokens"))
    total = _int(raw.get("total_tokens")) or prompt + completion
    usage = Usage(prompt, completion, total, model if isinstance(model, str) else "")
    usage.cached_tokens = _detail(raw, "prompt_tokens_details", "cached_tokens")
    usage.reasoning_tokens = _detail(raw, "completion_tokens_details", "reasoning_tokens")
    return usage


def _detail(raw: dict[str, Any], group: str, name: str) -> int:
    details = raw.get(group)
    return _int(details.get(name)) if isinstance(details, dict) else 0


def _int(value: Any) -> int:
    return value if isinstance(value, int) and value > 0 else 0


DRIVER = OpenAIDriver
