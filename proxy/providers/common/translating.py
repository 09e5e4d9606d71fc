"""The shared skeleton of a translating driver (Anthropic, Gemini, Cohere).

A vendor's driver subclasses `TranslatingDriver` and fills in its wire format: auth, URLs, the
request translation, the response / stream / error readers and native usage extraction. This
class owns the flow both ingresses share:

- ingress "openai" (the unified surface): the caller's OpenAI chat request becomes the vendor's
  request; answers, stream events and errors come back in OpenAI's shape, the stream ending with
  the usage chunk (when the caller asked for it) and `data: [DONE]`.
- ingress "native": the caller's request and the vendor's answers pass through untouched; usage
  and the answering model are still read for metering.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from proxy.errors import OPERATION_NOT_SUPPORTED, UPSTREAM_INVALID_RESPONSE
from proxy.jsonbody import loads_or_none
from proxy.providers.base import Call, Translated, UpstreamRequest, Usage
from proxy.providers.common.chat import ChatRequest, parse_chat_request
from proxy.providers.common.errors import TranslationError, UpstreamError
from proxy.providers.common.openai_out import ChunkEncoder, completion_body
from proxy.providers.common.result import ChatResult, StreamStep
from proxy.providers.common.upstream import settings_of
from proxy.sse import SseEvent, parse_event

CHAT_COMPLETIONS = "/chat/completions"


class StreamReader(Protocol):
    """A vendor stream state machine: one parsed SSE event in, one neutral step out.

    `ends_at_eof`: the vendor has no terminal event (Gemini), so the end of the body ends an
    answer once `answered` (a finish reason arrived). Otherwise a body that ends before the
    terminal event was cut short: it gets no `[DONE]`, and the proxy ends it with an error."""

    ends_at_eof: bool
    answered: bool

    def feed(self, event: SseEvent) -> StreamStep: ...


class TranslatingDriver:
    def __init__(self, call: Call) -> None:
        self.call = call
        self.settings: dict[str, Any] = settings_of(call)
        self.unified = call.ingress == "openai"
        self.usage = Usage()
        self.created = int(time.time())
        self.chat: ChatRequest | None = None
        self.reader: StreamReader | None = None
        self.encoder: ChunkEncoder | None = None
        self.finished = False
        self.native_ended = False  # a native stream's end marker went by
        self.answered_model = ""

    # -- what a vendor module provides -------------------------------------------------------

    def auth_headers(self) -> dict[str, str]:
        raise NotImplementedError

    def native_request(self) -> UpstreamRequest:
        raise NotImplementedError

    def unified_request(self, chat: ChatRequest) -> UpstreamRequest:
        raise NotImplementedError

    def read_result(self, data: Any) -> ChatResult:
        raise NotImplementedError

    def new_stream_reader(self) -> StreamReader:
        raise NotImplementedError

    def read_error(self, status: int, body: bytes) -> UpstreamError:
        raise NotImplementedError

    def native_usage(self, data: Any) -> Usage:
        raise NotImplementedError

    def native_stream_usage(self, raw: bytes) -> Usage | None:
        raise NotImplementedError

    def native_stream_ends(self, raw: bytes) -> bool:
        """Whether this native stream event is the vendor's end marker (or its in-band error)."""
        raise NotImplementedError

    def requested_model(self) -> str:
        """The model the caller asked for (for metering)."""
        payload = self.payload()
        return str(payload.get("model") or "") if isinstance(payload, dict) else ""

    # -- the Driver interface ----------------------------------------------------------------

    def build_request(self) -> UpstreamRequest:
        if not self.unified:
            return self.native_request()
        if self.call.operation.rstrip("/") != CHAT_COMPLETIONS:
            raise TranslationError(
                f"{self.call.operation} is not offered by this vendor on the unified surface.",
                kind=OPERATION_NOT_SUPPORTED,
            )
        self.chat = parse_chat_request(self.payload())
        return self.unified_request(self.chat)

    def parse_response(self, status: int, body: bytes) -> Translated:
        data = loads_or_none(body)
        if not self.unified:
            usage = self.native_usage(data) if data is not None else Usage()
            return Translated(body, self._with_model(usage))
        if data is None:
            raise TranslationError(
                "The provider answered with invalid JSON.", kind=UPSTREAM_INVALID_RESPONSE
            )
        result = self.read_result(data)
        result.usage.model = result.usage.model or result.model
        return Translated(completion_body(result, self.created), result.usage)

    def parse_stream_event(self, event: bytes) -> Translated:
        if not self.unified:
            if not self.native_ended:
                self.native_ended = self.native_stream_ends(event)
            usage = self.native_stream_usage(event)
            return Translated(event, self._with_model(usage) if usage else None)
        if self.finished:
            return Translated(b"")
        step = self._reader().feed(parse_event(event))
        return Translated(self._encode(step), step.usage)

    def stream_end(self) -> bytes:
        reader = self.reader
        if not self.unified or self.finished or not (reader and reader.ends_at_eof):
            return b""
        return self._finish() if reader.answered else b""

    def stream_complete(self) -> bool:
        return self.finished if self.unified else self.native_ended

    def map_error(self, status: int, body: bytes) -> tuple[int, bytes]:
        if not self.unified:
            return status, body
        return status, self.read_error(status, body).openai_body()

    # -- helpers -----------------------------------------------------------------------------

    def payload(self) -> Any:
        if self.call.payload is not None:
            return self.call.payload
        return loads_or_none(self.call.body) if self.call.body else None

    def _with_model(self, usage: Usage) -> Usage:
        """Name the answering model on every usage report: the one the vendor named (on this
        report or an earlier one of the stream), else the one asked for."""
        if usage.model:
            self.answered_model = usage.model
        else:
            usage.model = self.answered_model or self.requested_model()
        return usage

    def _reader(self) -> StreamReader:
        if self.reader is None:
            self.reader = self.new_stream_reader()
            chat = self.chat or parse_chat_request(self.payload())
            self.encoder = ChunkEncoder(
                id=f"chatcmpl-{self.call.extra.get('request_id', '')}",
                model=chat.model,
                created=self.created,
                include_usage=self.call.client_wants_usage or chat.include_usage,
            )
        return self.reader

    def _encode(self, step: StreamStep) -> bytes:
        assert self.encoder is not None
        if step.id:
            self.encoder.id = step.id
        if step.model:
            self.encoder.model = step.model
        if step.usage:
            step.usage.model = step.usage.model or self.encoder.model
            self.usage.merge(step.usage)
        out = b"".join(self.encoder.chunk(delta) for delta in step.deltas)
        if step.error:
            self.finished = True
            return out + b"data: " + step.error.openai_body() + b"\n\n"
        return out + self._finish() if step.done else out

    def _finish(self) -> bytes:
        self.finished = True
        if self.encoder is None:
            return b""
        return self.encoder.usage_chunk(self.usage) + self.encoder.done()
