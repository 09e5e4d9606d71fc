"""Anthropic's Messages API, mounted at `/anthropic`: `POST /anthropic/v1/messages`,
`GET /anthropic/v1/models`.

Auth: `x-api-key` (a key starting with `bad` gets 401) and `anthropic-version` (missing: 400),
as the real API demands. Streams send message_start, content_block_start, ping,
content_block_delta…, content_block_stop, message_delta (stop_reason + usage), message_stop.
Model `mock-tool-call` answers with a `tool_use` of the first offered tool; the shared
switches (`mock-error-<status>`, delays) work as for the other vendors.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import orjson

from demo_upstream.common import (
    REPLY,
    MockRequest,
    Response,
    StreamResponse,
    cached_share,
    chunk_delay,
    count_words,
    delay_from,
    forced_status,
    json_response,
    redirect,
    unreadable,
)

PREFIX = "/anthropic"
TOOL_MODEL = "mock-tool-call"
TOOL_INPUT = {"query": "mock"}
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    529: "overloaded_error",
}


def error(status: int, message: str) -> Response:
    kind = ERROR_TYPES.get(status, "api_error")
    body = {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_mock"}
    return json_response(status, body)


async def handle(request: MockRequest) -> Response | StreamResponse:
    key = request.headers.get("x-api-key", "")
    if not key or key.startswith("bad"):
        return error(401, "invalid x-api-key")
    if not request.headers.get("anthropic-version"):
        return error(400, "anthropic-version: header is required")
    if request.method == "GET" and request.path == "/v1/models":
        return json_response(200, models_list())
    if request.method != "POST" or request.path != "/v1/messages":
        return error(404, f"Not found: {request.method} {request.path}")
    await delay_from(request)
    status = forced_status(request)
    if status == 302:
        return redirect()
    if status:
        return error(status, f"Forced error {status} from the mock provider.")
    broken = unreadable(request)
    if broken:
        return broken
    payload = request.json
    if not isinstance(payload.get("max_tokens"), int):
        return error(400, "max_tokens: Field required")
    if payload.get("stream") is True:
        events = stream_events(payload, chunk_delay(request))
        return StreamResponse(events, headers=[(b"content-type", b"text/event-stream")])
    return json_response(200, message(payload), [(b"request-id", b"req_mock_upstream")])


def models_list() -> dict[str, Any]:
    model = {"type": "model", "id": "claude-mock", "display_name": "Claude Mock"}
    return {"data": [{**model, "created_at": "2025-01-01T00:00:00Z"}], "has_more": False}


def input_tokens(payload: dict[str, Any]) -> int:
    return count_words(payload.get("messages", [])) + count_words(payload.get("system", ""))


def reply_words(payload: dict[str, Any]) -> list[str]:
    return REPLY.split()[: max(int(payload.get("max_tokens") or 1), 1)]


def wants_tool(payload: dict[str, Any]) -> bool:
    return payload.get("model") == TOOL_MODEL and bool(payload.get("tools"))


def message(payload: dict[str, Any]) -> dict[str, Any]:
    words = reply_words(payload)
    if wants_tool(payload):
        tool = payload["tools"][0]["name"]
        content = [{"type": "tool_use", "id": "toolu_mock", "name": tool, "input": TOOL_INPUT}]
        stop_reason, output = "tool_use", 12
    else:
        content = [{"type": "text", "text": " ".join(words)}]
        stop_reason = "end_turn" if len(words) == len(REPLY.split()) else "max_tokens"
        output = len(words)
    return {
        "id": "msg_mock",
        "type": "message",
        "role": "assistant",
        "model": payload.get("model", ""),
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": anthropic_usage(payload, output),
    }


CACHE_WRITE_TOKENS = 1


def anthropic_usage(payload: dict[str, Any], output: int) -> dict[str, Any]:
    """Anthropic counts cache reads and writes apart from input_tokens: a request with
    `cache_control` reads half its prompt from the cache and writes one token to it."""
    prompt = input_tokens(payload)
    if b"cache_control" not in orjson.dumps(payload):
        return {"input_tokens": prompt, "output_tokens": output}
    read = cached_share(prompt)
    written = min(CACHE_WRITE_TOKENS, prompt - read)
    return {
        "input_tokens": prompt - read - written,
        "cache_creation_input_tokens": written,
        "cache_read_input_tokens": read,
        "output_tokens": output,
    }


def sse(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: ".encode() + orjson.dumps({"type": name, **data}) + b"\n\n"


async def stream_events(payload: dict[str, Any], delay: float) -> AsyncIterator[bytes]:
    whole = message(payload)
    start = {**whole, "content": [], "stop_reason": None}
    start["usage"] = {**whole["usage"], "output_tokens": 1}
    yield sse("message_start", {"message": start})
    block = whole["content"][0]
    yield sse("content_block_start", {"index": 0, "content_block": _empty(block)})
    yield sse("ping", {})
    for delta in _deltas(block):
        if delay:
            await asyncio.sleep(delay)
        yield sse("content_block_delta", {"index": 0, "delta": delta})
    yield sse("content_block_stop", {"index": 0})
    usage = {"output_tokens": whole["usage"]["output_tokens"]}
    delta = {"stop_reason": whole["stop_reason"], "stop_sequence": None}
    yield sse("message_delta", {"delta": delta, "usage": usage})
    yield sse("message_stop", {})


def _empty(block: dict[str, Any]) -> dict[str, Any]:
    return {**block, "input": {}} if block["type"] == "tool_use" else {"type": "text", "text": ""}


def _deltas(block: dict[str, Any]) -> list[dict[str, Any]]:
    if block["type"] == "tool_use":
        arguments = orjson.dumps(block["input"]).decode()
        half = len(arguments) // 2
        return [
            {"type": "input_json_delta", "partial_json": arguments[:half]},
            {"type": "input_json_delta", "partial_json": arguments[half:]},
        ]
    words = block["text"].split(" ")
    return [
        {"type": "text_delta", "text": word if i == 0 else " " + word}
        for i, word in enumerate(words)
    ]
