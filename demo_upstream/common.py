"""Shared pieces of the mock vendors: the request, responses, tokens and behaviour switches."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import orjson

REPLY = "Hello from the mock provider."
CREATED = 1_700_000_000


@dataclass
class MockRequest:
    method: str
    path: str  # below the vendor prefix, e.g. "/v1/chat/completions"
    query: str
    headers: dict[str, str]
    body: bytes
    record: dict[str, Any] = field(default_factory=dict)

    @property
    def json(self) -> dict[str, Any]:
        try:
            data = orjson.loads(self.body) if self.body else {}
        except orjson.JSONDecodeError:
            return {}
        return data if isinstance(data, dict) else {}

    def query_param(self, name: str) -> str | None:
        values = parse_qs(self.query).get(name)
        return values[0] if values else None

    def bearer(self) -> str | None:
        scheme, _, value = self.headers.get("authorization", "").partition(" ")
        return value if scheme.lower() == "bearer" and value else None


@dataclass
class Response:
    status: int
    body: bytes
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    content_type: bytes = b"application/json"


@dataclass
class StreamResponse:
    events: AsyncIterator[bytes]
    status: int = 200
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)


def json_response(status: int, data: Any, headers: list | None = None) -> Response:
    return Response(status, orjson.dumps(data), headers or [])


def sse(data: dict[str, Any] | str) -> bytes:
    payload = data if isinstance(data, str) else orjson.dumps(data).decode()
    return f"data: {payload}\n\n".encode()


def count_words(value: Any) -> int:
    """Deterministic 'tokens': whitespace-separated words in every string inside value."""
    if isinstance(value, str):
        return len(value.split())
    if isinstance(value, list):
        return sum(count_words(item) for item in value)
    if isinstance(value, dict):
        return sum(count_words(v) for k, v in value.items() if k in ("content", "text"))
    return 0


def prompt_tokens(payload: dict[str, Any]) -> int:
    if "messages" in payload:
        return count_words(payload["messages"])
    return count_words(payload.get("prompt", "")) or count_words(payload.get("input", ""))


ECHO_MODEL = "mock-echo"  # answers with the last user message (streamed in 5-character pieces)
ECHO_PIECE = 5


def echoed_text(payload: dict[str, Any]) -> str:
    users = [
        m for m in payload.get("messages") or [] if isinstance(m, dict) and m.get("role") == "user"
    ]
    content = users[-1].get("content", "") if users else payload.get("prompt", "")
    if isinstance(content, list):
        content = " ".join(p.get("text", "") for p in content if isinstance(p, dict))
    return content if isinstance(content, str) else ""


def reply_words(payload: dict[str, Any]) -> list[str]:
    if payload.get("model") == ECHO_MODEL:
        return echoed_text(payload).split()
    words = REPLY.split()
    limit = payload.get("max_tokens") or payload.get("max_completion_tokens")
    return words[:limit] if isinstance(limit, int) and limit > 0 else words


def usage(prompt: int, completion: int) -> dict[str, int]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


# Token details, reported when a request asks for what produces them (prompt caching,
# reasoning), so tests can price cached and reasoning tokens in each vendor's usage shape.
REASONING_TOKENS = 8


def cached_share(prompt: int) -> int:
    return prompt // 2


def openai_usage(payload: dict[str, Any], prompt: int, completion: int) -> dict[str, Any]:
    """OpenAI's usage: cached prompt tokens for a `prompt_cache_key`, reasoning tokens (inside
    completion_tokens) for a `reasoning_effort`."""
    reasoning = REASONING_TOKENS if payload.get("reasoning_effort") else 0
    body: dict[str, Any] = usage(prompt, completion + reasoning)
    if payload.get("prompt_cache_key") or reasoning:
        cached = cached_share(prompt) if payload.get("prompt_cache_key") else 0
        body["prompt_tokens_details"] = {"cached_tokens": cached, "audio_tokens": 0}
        body["completion_tokens_details"] = {"reasoning_tokens": reasoning, "audio_tokens": 0}
    return body


def embedding(text_index: int) -> list[float]:
    return [round(0.001 * (text_index + 1) * (i + 1), 6) for i in range(8)]


async def delay_from(request: MockRequest) -> None:
    model = request.json.get("model")
    seconds = float(request.headers.get("x-mock-delay", "0") or 0)
    if model == "mock-slow":
        seconds = max(seconds, 60.0)
    if seconds:
        await asyncio.sleep(seconds)


def chunk_delay(request: MockRequest) -> float:
    return float(request.headers.get("x-mock-chunk-delay", "0") or 0)


def forced_status(request: MockRequest) -> int | None:
    model = str(request.json.get("model", ""))
    if model.startswith("mock-error-"):
        return int(model.removeprefix("mock-error-"))
    if model == "mock-redirect":
        return 302
    return None


def unreadable(request: MockRequest) -> Response | None:
    """Model `mock-invalid-json`: a 200 "JSON" answer that is not JSON (a broken upstream)."""
    if request.json.get("model") == "mock-invalid-json":
        return Response(200, b"<html>upstream hiccup</html>")
    return None


def redirect() -> Response:
    return Response(302, b"", [(b"location", b"http://169.254.169.254/latest/meta-data/")])
