"""Tenant-defined custom vendors: any HTTP API, passed through as it is, metered by paths.

Everything comes from the vendor's configuration, none from code: the base URL (the endpoint's
URL), how the key travels (`auth`: a header with an optional prefix, a query parameter, or
nothing) and where token counts and model names are found (`usage_paths`: a JSONPath into the
payload, or `header:<name>`). Stream events are searched with the same paths.
"""

from __future__ import annotations

from collections.abc import Mapping

from proxy.credentials import place_credential
from proxy.jsonbody import loads_or_none
from proxy.providers.base import Call, Translated, UpstreamRequest, Usage
from proxy.providers.common.upstream import forwarded_headers
from proxy.providers.common.usage_paths import UsagePaths
from proxy.sse import event_json


class CustomDriver:
    def __init__(self, call: Call) -> None:
        self.call = call
        self.paths = UsagePaths.compile(call.vendor.usage_paths)
        self.response_headers: Mapping[str, str] = {}
        self._header_usage_sent = False

    def build_request(self) -> UpstreamRequest:
        call = self.call
        headers = forwarded_headers(call)
        query = place_credential(call.vendor.auth, call.credential, headers, call.query)
        url = call.endpoint.url.rstrip("/") + call.operation
        return UpstreamRequest(call.method, f"{url}?{query}" if query else url, headers, call.body)

    def on_response_headers(self, headers: Mapping[str, str]) -> None:
        """Called by the proxy before the body, so `header:<name>` paths can be read."""
        self.response_headers = {k.lower(): v for k, v in headers.items()}

    def requested_model(self) -> str:
        payload = self.call.payload
        if payload is None and self.call.body:
            payload = loads_or_none(self.call.body)
        model = self.paths.request_model(payload, self.call.headers)
        if not model and "request_model" not in self.paths.sources and isinstance(payload, dict):
            named = payload.get("model")
            model = named if isinstance(named, str) else ""
        return model

    def parse_response(self, status: int, body: bytes) -> Translated:
        usage = self.paths.usage(loads_or_none(body), self.response_headers)
        usage.total_tokens = usage.total_tokens or usage.prompt_tokens + usage.completion_tokens
        self._header_usage_sent = True
        return Translated(body, self._with_model(usage))

    def parse_stream_event(self, event: bytes) -> Translated:
        # Header values are known once, before the first event; payload values may come with
        # any event (usually the last).
        headers = {} if self._header_usage_sent else self.response_headers
        self._header_usage_sent = True
        usage = self.paths.usage(event_json(event) or None, headers)
        if usage.prompt_tokens or usage.completion_tokens or usage.total_tokens or usage.model:
            return Translated(event, self._with_model(usage))
        return Translated(event)

    def stream_end(self) -> bytes:
        return b""

    def map_error(self, status: int, body: bytes) -> tuple[int, bytes]:
        return status, body

    def _with_model(self, usage: Usage) -> Usage:
        usage.model = usage.model or self.requested_model()
        return usage


DRIVER = CustomDriver
