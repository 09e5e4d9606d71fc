"""Cohere's Chat API v2, mounted at `/cohere`: `POST /cohere/v2/chat`, `GET /cohere/v1/models`.

Auth: `Authorization: Bearer` (a key starting with `bad` gets 401). Usage carries both buckets
like the real API: `billed_units` (the words, as for every mock vendor) and `tokens` (7 more
input tokens, standing for the prompt template). Streams send message-start, content-start,
content-delta…, content-end, message-end (finish_reason + usage) as `event:`/`data:` pairs.
Model `mock-tool-call` answers with a tool plan and a call of the first offered tool.
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
    chunk_delay,
    count_words,
    delay_from,
    forced_status,
    json_response,
    redirect,
)

PREFIX = "/cohere"
TOOL_MODEL = "mock-tool-call"
TEMPLATE_TOKENS = 7
TOOL_PLAN = "I will call the tool."
TOOL_ARGUMENTS = '{"query":"mock"}'


def error(status: int, message: str) -> Response:
    return json_response(status, {"id": "err-mock", "message": message})


async def handle(request: MockRequest) -> Response | StreamResponse:
    key = request.bearer()
    if not key or key.startswith("bad"):
        return error(401, "invalid api token")
    if request.method == "GET" and request.path == "/v1/models":
        return json_response(200, {"models": [{"name": "command-mock", "endpoints": ["chat"]}]})
    if request.method != "POST" or request.path != "/v2/chat":
        return error(404, f"Not found: {request.method} {request.path}")
    await delay_from(request)
    status = forced_status(request)
    if status == 302:
        return redirect()
    if status:
        return error(status, f"Forced error {status} from the mock provider.")
    payload = request.json
    if payload.get("stream") is True:
        events = stream_events(payload, chunk_delay(request))
        return StreamResponse(events, headers=[(b"content-type", b"text/event-stream")])
    return json_response(200, answer(payload))


def reply_words(payload: dict[str, Any]) -> list[str]:
    limit = payload.get("max_tokens")
    words = REPLY.split()
    return words[:limit] if isinstance(limit, int) and limit > 0 else words


def _tool_name(payload: dict[str, Any]) -> str | None:
    tools = payload.get("tools") or []
    return tools[0]["function"]["name"] if payload.get("model") == TOOL_MODEL and tools else None


def usage(payload: dict[str, Any], output: int) -> dict[str, Any]:
    prompt = count_words(payload.get("messages", []))
    return {
        "billed_units": {"input_tokens": prompt, "output_tokens": output},
        "tokens": {"input_tokens": prompt + TEMPLATE_TOKENS, "output_tokens": output},
    }


def answer(payload: dict[str, Any]) -> dict[str, Any]:
    tool = _tool_name(payload)
    if tool:
        call = {
            "id": "call_mock",
            "type": "function",
            "function": {"name": tool, "arguments": TOOL_ARGUMENTS},
        }
        message = {"role": "assistant", "tool_plan": TOOL_PLAN, "tool_calls": [call]}
        return {
            "id": "chat-mock",
            "message": message,
            "finish_reason": "TOOL_CALL",
            "usage": usage(payload, 11),
        }
    words = reply_words(payload)
    message = {"role": "assistant", "content": [{"type": "text", "text": " ".join(words)}]}
    finish = "COMPLETE" if len(words) == len(REPLY.split()) else "MAX_TOKENS"
    return {
        "id": "chat-mock",
        "message": message,
        "finish_reason": finish,
        "usage": usage(payload, len(words)),
    }


def sse(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: ".encode() + orjson.dumps({"type": name, **data}) + b"\n\n"


async def stream_events(payload: dict[str, Any], delay: float) -> AsyncIterator[bytes]:
    whole = answer(payload)
    start = {"role": "assistant", "content": [], "tool_plan": "", "tool_calls": [], "citations": []}
    yield sse("message-start", {"id": whole["id"], "delta": {"message": start}})
    for event in _body_events(whole["message"]):
        if delay:
            await asyncio.sleep(delay)
        yield event
    end = {"finish_reason": whole["finish_reason"], "usage": whole["usage"]}
    yield sse("message-end", {"delta": end})


def _body_events(message: dict[str, Any]) -> list[bytes]:
    if message.get("tool_calls"):
        call = message["tool_calls"][0]
        opening = {**call, "function": {**call["function"], "arguments": ""}}
        return [
            sse("tool-plan-delta", {"delta": {"message": {"tool_plan": TOOL_PLAN}}}),
            sse("tool-call-start", {"index": 0, "delta": {"message": {"tool_calls": opening}}}),
            sse(
                "tool-call-delta",
                {
                    "index": 0,
                    "delta": {
                        "message": {"tool_calls": {"function": {"arguments": TOOL_ARGUMENTS}}}
                    },
                },
            ),
            sse("tool-call-end", {"index": 0}),
        ]
    words = message["content"][0]["text"].split(" ")
    content = {"message": {"content": {"type": "text", "text": ""}}}
    events = [sse("content-start", {"index": 0, "delta": content})]
    for i, word in enumerate(words):
        text = word if i == 0 else " " + word
        events.append(
            sse("content-delta", {"index": 0, "delta": {"message": {"content": {"text": text}}}})
        )
    events.append(sse("content-end", {"index": 0}))
    return events
