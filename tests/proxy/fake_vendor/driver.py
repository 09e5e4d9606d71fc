"""The Shout driver: its own request format in front of OpenAI's chat completions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from proxy.providers.base import Call, Translated, UpstreamRequest, Usage


class ShoutDriver:
    def __init__(self, call: Call) -> None:
        self.call = call
        self.upstream_request_id = ""

    def payload(self) -> dict[str, Any]:
        return self.call.payload or {}

    def requested_model(self) -> str:
        return str(self.payload().get("engine", ""))

    def on_response_headers(self, headers: Mapping[str, str]) -> None:
        self.upstream_request_id = headers.get("x-request-id", "")

    def build_request(self) -> UpstreamRequest:
        chat = {
            "model": self.requested_model(),
            "messages": [{"role": "user", "content": self.payload().get("text", "")}],
        }
        headers = {
            "content-type": "application/json",
            "authorization": f"Bearer {self.call.credential}",
        }
        url = self.call.endpoint.url.rstrip("/") + "/chat/completions"
        return UpstreamRequest("POST", url, headers, orjson.dumps(chat))

    def parse_response(self, status: int, body: bytes) -> Translated:
        data = orjson.loads(body)
        reply = data["choices"][0]["message"]["content"]
        tokens = data["usage"]
        usage = Usage(
            tokens["prompt_tokens"],
            tokens["completion_tokens"],
            tokens["total_tokens"],
            data["model"],
        )
        shout = {"shout": reply.upper(), "upstream_request": self.upstream_request_id}
        return Translated(orjson.dumps(shout), usage)

    def parse_stream_event(self, event: bytes) -> Translated:
        return Translated(event)

    def stream_end(self) -> bytes:
        return b""

    def map_error(self, status: int, body: bytes) -> tuple[int, bytes]:
        return status, orjson.dumps({"shout": "UPSTREAM SAID NO"})


DRIVER = ShoutDriver
