"""OpenAI's wire format (also the base of Azure OpenAI and Mistral in this mock).

Mounted at `/openai`: `/openai/v1/chat/completions`, `/completions`, `/embeddings`, `/models`,
`/models/{id}`. Auth: `Authorization: Bearer <key>`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from demo_upstream.common import (
    CREATED,
    ECHO_MODEL,
    ECHO_PIECE,
    MockRequest,
    Response,
    StreamResponse,
    chunk_delay,
    delay_from,
    embedding,
    forced_status,
    json_response,
    openai_usage,
    prompt_tokens,
    redirect,
    reply_words,
    sse,
)

PREFIX = "/openai"
MODELS = ("gpt-4o-mini", "gpt-4o", "text-embedding-3-small")
ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    404: "invalid_request_error",
    429: "requests",
    500: "server_error",
}


def error(status: int, message: str, code: str | None = None) -> Response:
    return json_response(
        status,
        {
            "error": {
                "message": message,
                "type": ERROR_TYPES.get(status, "api_error"),
                "param": None,
                "code": code,
            }
        },
    )


async def handle(request: MockRequest) -> Response | StreamResponse:
    key = request.bearer()
    if not key or key.startswith("bad"):
        return error(401, "Incorrect API key provided.", "invalid_api_key")
    path = request.path.removeprefix("/v1")
    return await serve(request, path, answered_model=lambda model: f"{model}-2024-07-18")


async def serve(
    request: MockRequest,
    path: str,
    answered_model: Any,
    error_fn: Any = error,
    flavour: str = "openai",
) -> Response | StreamResponse:
    """The operations every OpenAI-shaped vendor shares."""
    if request.method == "GET" and path == "/models":
        return json_response(200, models_list())
    if request.method == "GET" and path.startswith("/models/"):
        return json_response(200, model_object(path.removeprefix("/models/")))
    if request.method != "POST" or path not in (
        "/chat/completions",
        "/completions",
        "/embeddings",
        "/fim/completions",
    ):
        return error_fn(404, f"Unknown request URL: {request.method} {path}")
    await delay_from(request)
    status = forced_status(request)
    if status == 302:
        return redirect()
    if status:
        return error_fn(status, f"Forced error {status} from the mock provider.")
    payload = request.json
    model = answered_model(str(payload.get("model", "")))
    if path == "/embeddings":
        return json_response(200, embeddings(payload, model))
    if payload.get("stream") is True:
        return StreamResponse(
            stream_events(request, payload, model, path, flavour),
            headers=[(b"content-type", b"text/event-stream")],
        )
    return json_response(
        200,
        completion(payload, model, path, flavour),
        headers=[(b"x-request-id", b"req_mock_upstream"), *ACCOUNT_HEADERS],
    )


# What OpenAI tells the account holder about its own limits and identity on every answer.
ACCOUNT_HEADERS = [
    (b"openai-organization", b"org-mock"),
    (b"openai-project", b"proj_mock"),
    (b"x-ratelimit-limit-requests", b"10000"),
    (b"x-ratelimit-remaining-requests", b"9999"),
    (b"x-ratelimit-limit-tokens", b"30000000"),
]


def models_list() -> dict[str, Any]:
    return {"object": "list", "data": [model_object(m) for m in MODELS]}


def model_object(model_id: str) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": CREATED, "owned_by": "mock"}


def embeddings(payload: dict[str, Any], model: str) -> dict[str, Any]:
    inputs = payload.get("input", "")
    inputs = inputs if isinstance(inputs, list) else [inputs]
    tokens = prompt_tokens(payload)
    return {
        "object": "list",
        "data": [
            {"object": "embedding", "index": i, "embedding": embedding(i)}
            for i in range(len(inputs))
        ],
        "model": model,
        "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
    }


def completion(payload: dict[str, Any], model: str, path: str, flavour: str) -> dict[str, Any]:
    words = reply_words(payload)
    text = " ".join(words)
    if path == "/chat/completions":
        choice = {
            "index": 0,
            "message": {"role": "assistant", "content": text, "refusal": None},
            "logprobs": None,
            "finish_reason": "stop",
        }
        kind, ident = "chat.completion", "chatcmpl-mock"
    else:
        choice = {"text": text, "index": 0, "logprobs": None, "finish_reason": "stop"}
        kind, ident = "text_completion", "cmpl-mock"
    if flavour == "azure":
        choice["content_filter_results"] = {}
    body = {
        "id": ident,
        "object": kind,
        "created": CREATED,
        "model": model,
        "choices": [choice],
        "usage": openai_usage(payload, prompt_tokens(payload), len(words)),
        "system_fingerprint": "fp_mock",
    }
    if flavour == "azure":
        body["prompt_filter_results"] = [{"prompt_index": 0, "content_filter_results": {}}]
    return body


async def stream_events(
    request: MockRequest, payload: dict[str, Any], model: str, path: str, flavour: str
) -> AsyncIterator[bytes]:
    """Chunks as the vendor sends them; usage last (OpenAI/Azure: only when asked)."""
    chat = path == "/chat/completions"
    options = payload.get("stream_options")
    include_usage = isinstance(options, dict) and options.get("include_usage") is True
    words = reply_words(payload)
    total = openai_usage(payload, prompt_tokens(payload), len(words))
    delay = chunk_delay(request)
    if flavour == "azure":
        yield sse(
            {
                "choices": [],
                "created": 0,
                "id": "",
                "model": "",
                "object": "",
                "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": {}}],
            }
        )
    pieces = [("role", "")] if chat else []
    pieces += [("content", (" " if i else "") + word) for i, word in enumerate(words)]
    if payload.get("model") == ECHO_MODEL:  # pieces that cut words (and placeholders) in two
        text = " ".join(words)
        pieces = pieces[: 1 if chat else 0] + [
            ("content", text[i : i + ECHO_PIECE]) for i in range(0, len(text), ECHO_PIECE)
        ]
    for index, (kind, text) in enumerate(pieces):
        last = index == len(pieces) - 1
        chunk = _chunk(chat, model, kind, text, "stop" if last else None)
        if include_usage:
            chunk["usage"] = None
        if last and flavour == "mistral":
            chunk["usage"] = total  # Mistral always reports usage with its last choice
        yield sse(chunk)
        if delay:
            await asyncio.sleep(delay)
    if include_usage and flavour != "mistral":
        yield sse(
            {
                "id": "chatcmpl-mock",
                "object": "chat.completion.chunk" if chat else "text_completion",
                "created": CREATED,
                "model": model,
                "choices": [],
                "usage": total,
            }
        )
    yield sse("[DONE]")


def _chunk(chat: bool, model: str, kind: str, text: str, finish: str | None) -> dict[str, Any]:
    if chat:
        delta = {"role": "assistant", "content": ""} if kind == "role" else {"content": text}
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return {
            "id": "chatcmpl-mock",
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": model,
            "system_fingerprint": "fp_mock",
            "choices": [choice],
        }
    choice = {"text": text, "index": 0, "logprobs": None, "finish_reason": finish}
    return {
        "id": "cmpl-mock",
        "object": "text_completion",
        "created": CREATED,
        "model": model,
        "choices": [choice],
    }
