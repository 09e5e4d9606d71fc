"""Mistral's wire format, mounted at `/mistral`: `/mistral/v1/chat/completions`,
`/fim/completions`, `/embeddings`, `/models`; auth by `Authorization: Bearer`.

Streams always end with usage in the last choice chunk; errors look like Mistral's
(`{"object": "error", "message", "type", "param", "code"}`, 401 `{"message", "request_id"}`).
"""

from __future__ import annotations

from demo_upstream.common import MockRequest, Response, StreamResponse, json_response
from demo_upstream.openai import serve

PREFIX = "/mistral"


def error(status: int, message: str, code: str | None = None) -> Response:
    if status == 401:
        return json_response(401, {"message": "Unauthorized", "request_id": "mock-request"})
    return json_response(
        status,
        {
            "object": "error",
            "message": message,
            "type": "invalid_request_error",
            "param": None,
            "code": code,
        },
    )


async def handle(request: MockRequest) -> Response | StreamResponse:
    key = request.bearer()
    if not key or key.startswith("bad"):
        return error(401, "Unauthorized")
    return await serve(request, request.path.removeprefix("/v1"), str, error, "mistral")
