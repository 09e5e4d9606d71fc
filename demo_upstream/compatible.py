"""An OpenAI-compatible server that takes no key (Ollama, LM Studio, a vLLM started without
`--api-key`), mounted at `/compatible`: `/compatible/v1/chat/completions` and the rest of
OpenAI's shape. It answers whatever key it gets, or none, and names the model as asked."""

from __future__ import annotations

from demo_upstream.common import MockRequest, Response, StreamResponse
from demo_upstream.openai import serve

PREFIX = "/compatible"


async def handle(request: MockRequest) -> Response | StreamResponse:
    return await serve(request, request.path.removeprefix("/v1"), answered_model=str)
