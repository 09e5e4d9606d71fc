"""Google's Gemini API, mounted at `/gemini`:
`POST /gemini/v1beta/models/{model}:generateContent`, `:streamGenerateContent` (SSE with
`?alt=sse`, else one JSON array), `:countTokens`, `GET /gemini/v1beta/models`; the same under
`/gemini/v1/`.

Auth: `x-goog-api-key` (or `?key=`); a missing key gets 403 PERMISSION_DENIED and a key starting
with `bad` gets 400 INVALID_ARGUMENT / API_KEY_INVALID, as the real API answers. The model comes
from the URL; `mock-tool-call` answers with a `functionCall` (with a thoughtSignature) of the
first declared function. Every stream chunk carries cumulative `usageMetadata`. A 429
(`mock-error-429`) carries a `google.rpc.RetryInfo` delay, as the real API's quota errors do:
17s, or what `x-mock-retry-delay` asks for.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Any

import orjson

from demo_upstream.common import (
    REASONING_TOKENS,
    REPLY,
    MockRequest,
    Response,
    StreamResponse,
    cached_share,
    chunk_delay,
    delay_from,
    json_response,
    redirect,
)

PREFIX = "/gemini"
TOOL_MODEL = "mock-tool-call"
SIGNATURE = "c2lnbmF0dXJlLW1vY2s="
_OPERATION = re.compile(
    r"/v1(?:beta)?/models/([^/:]+):(generateContent|streamGenerateContent|countTokens)"
)
RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"
STATUSES = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


def error(
    status: int, message: str, reason: str | None = None, retry_delay: str | None = None
) -> Response:
    body: dict[str, Any] = {
        "code": status,
        "message": message,
        "status": STATUSES.get(status, "UNKNOWN"),
    }
    details: list[dict[str, Any]] = []
    if reason:
        details.append(
            {
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": reason,
                "domain": "googleapis.com",
            }
        )
    if retry_delay:
        details.append({"@type": RETRY_INFO, "retryDelay": retry_delay})
    if details:
        body["details"] = details
    return json_response(status, {"error": body})


async def handle(request: MockRequest) -> Response | StreamResponse:
    key = request.headers.get("x-goog-api-key") or request.query_param("key")
    if not key:
        return error(403, "Method doesn't allow unregistered callers.")
    if key.startswith("bad"):
        return error(400, "API key not valid. Please pass a valid API key.", "API_KEY_INVALID")
    if request.method == "GET" and request.path.endswith("/models"):
        return json_response(200, {"models": [{"name": "models/gemini-mock"}]})
    found = _OPERATION.fullmatch(request.path)
    if request.method != "POST" or not found:
        return error(404, f"Not found: {request.method} {request.path}")
    model, method = found.groups()
    await delay_from(request)
    if model == "mock-redirect":
        return redirect()
    if model.startswith("mock-error-"):
        status = int(model.removeprefix("mock-error-"))
        delay = request.headers.get("x-mock-retry-delay", "17s") if status == 429 else None
        return error(status, f"Forced error {status} from the mock provider.", None, delay)
    payload = request.json
    if method == "countTokens":
        return json_response(200, {"totalTokens": prompt_tokens(payload)})
    if method == "generateContent":
        return json_response(200, answer(payload, model))
    if request.query_param("alt") == "sse":
        events = sse_events(payload, model, chunk_delay(request))
        return StreamResponse(events, headers=[(b"content-type", b"text/event-stream")])
    return json_response(200, chunks(payload, model))


def prompt_tokens(payload: dict[str, Any]) -> int:
    contents = payload.get("contents", []) + [payload.get("systemInstruction") or {}]
    return sum(
        len(str(part.get("text", "")).split())
        for content in contents
        for part in content.get("parts", [])
    )


def reply_words(payload: dict[str, Any]) -> list[str]:
    limit = (payload.get("generationConfig") or {}).get("maxOutputTokens")
    words = REPLY.split()
    return words[:limit] if isinstance(limit, int) and limit > 0 else words


def _tool_name(payload: dict[str, Any], model: str) -> str | None:
    declarations = [d for t in payload.get("tools", []) for d in t.get("functionDeclarations", [])]
    return declarations[0]["name"] if model == TOOL_MODEL and declarations else None


def chunks(payload: dict[str, Any], model: str) -> list[dict[str, Any]]:
    """The pieces of one answer, as streamGenerateContent sends them."""
    prompt = prompt_tokens(payload)
    tool = _tool_name(payload, model)
    if tool:
        part = {"functionCall": {"name": tool, "args": {"query": "mock"}}}
        pieces = [[{**part, "thoughtSignature": SIGNATURE}]]
        finish = "STOP"
    else:
        words = reply_words(payload)
        pieces = [[{"text": w if i == 0 else " " + w}] for i, w in enumerate(words)]
        finish = "STOP" if len(words) == len(REPLY.split()) else "MAX_TOKENS"
    out = []
    for number, parts in enumerate(pieces, start=1):
        candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}, "index": 0}
        if number == len(pieces):
            candidate["finishReason"] = finish
        completion = number if not tool else 9
        usage = gemini_usage(payload, prompt, completion)
        out.append(
            {
                "candidates": [candidate],
                "usageMetadata": usage,
                "modelVersion": f"{model}-001",
                "responseId": "resp-mock",
            }
        )
    return out


def gemini_usage(payload: dict[str, Any], prompt: int, completion: int) -> dict[str, Any]:
    """usageMetadata; `cachedContent` reads half the prompt from the cache (counted inside
    promptTokenCount) and a thinkingConfig adds thoughtsTokenCount (outside candidates)."""
    thoughts = (
        REASONING_TOKENS if (payload.get("generationConfig") or {}).get("thinkingConfig") else 0
    )
    usage: dict[str, Any] = {
        "promptTokenCount": prompt,
        "candidatesTokenCount": completion,
        "totalTokenCount": prompt + completion + thoughts,
    }
    if payload.get("cachedContent"):
        usage["cachedContentTokenCount"] = cached_share(prompt)
    if thoughts:
        usage["thoughtsTokenCount"] = thoughts
    return usage


def answer(payload: dict[str, Any], model: str) -> dict[str, Any]:
    pieces = chunks(payload, model)
    parts: list[dict[str, Any]] = []
    for piece in pieces:
        parts.extend(piece["candidates"][0]["content"]["parts"])
    if parts and all("text" in p for p in parts):
        parts = [{"text": "".join(p["text"] for p in parts)}]
    last = pieces[-1]
    candidate = {**last["candidates"][0], "content": {"parts": parts, "role": "model"}}
    return {**last, "candidates": [candidate]}


async def sse_events(payload: dict[str, Any], model: str, delay: float) -> AsyncIterator[bytes]:
    for chunk in chunks(payload, model):
        if delay:
            await asyncio.sleep(delay)
        yield b"data: " + orjson.dumps(chunk) + b"\r\n\r\n"
