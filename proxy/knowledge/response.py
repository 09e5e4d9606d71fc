"""The sources sent back: a response header on every grounded answer, an extension field in
OpenAI-shaped JSON answers, and a JSON summary for the call's usage row.

    x-tollgate-knowledge-sources: handbook/12#3;score=0.812, handbook/14#0;score=0.771
    {"id": "chatcmpl-…", "choices": […], "tollgate": {"sources": [{"n": 1, "collection":
     "handbook", "document_id": 12, "title": "Refunds", "chunk": 3, "score": 0.812}]}}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from proxy.asgi import Message, Send

if TYPE_CHECKING:
    from proxy.knowledge.index import Hit

SOURCES_HEADER = b"x-tollgate-knowledge-sources"
EXTENSION_FIELD = "tollgate"


def source_entries(hits: list[Hit]) -> list[dict[str, Any]]:
    return [
        {
            "n": n,
            "collection": hit.passage.collection,
            "document_id": hit.passage.document_id,
            "title": hit.passage.title,
            "chunk": hit.passage.ordinal,
            "score": round(hit.score, 4),
        }
        for n, hit in enumerate(hits, 1)
    ]


def source_list(hits: list[Hit], rewrite_tokens: int = 0) -> str:
    """What the usage row keeps of the retrieval."""
    summary: dict[str, Any] = {"sources": source_entries(hits)}
    if rewrite_tokens:
        summary["rewrite_tokens"] = rewrite_tokens
    return orjson.dumps(summary).decode()


def header_value(hits: list[Hit]) -> bytes:
    return ", ".join(
        f"{h.passage.collection}/{h.passage.document_id}#{h.passage.ordinal};score={h.score:.3f}"
        for h in hits
    ).encode()


def with_sources(send: Send, hits: list[Hit], *, extension: bool = True) -> Send:
    """A `send` that adds the header, and the extension field to a whole JSON answer."""
    header = (SOURCES_HEADER, header_value(hits))
    held: list[Message] = []

    async def send_with_sources(message: Message) -> None:
        if message["type"] == "http.response.start":
            held.append({**message, "headers": [*message.get("headers", []), header]})
            return
        if held and message["type"] == "http.response.body":
            start = held.pop()
            if extension and hits and not message.get("more_body") and start["status"] < 300:
                start, message = _extended(start, message, hits)
            await send(start)
        await send(message)

    return send_with_sources


def _extended(start: Message, message: Message, hits: list[Hit]) -> tuple[Message, Message]:
    headers = start["headers"]
    content_type = next((v for k, v in headers if k == b"content-type"), b"")
    if not content_type.startswith(b"application/json"):
        return start, message
    try:
        data = orjson.loads(message.get("body", b""))
    except orjson.JSONDecodeError:
        return start, message
    if not isinstance(data, dict) or "choices" not in data:  # OpenAI-shaped answers only
        return start, message
    data[EXTENSION_FIELD] = {"sources": source_entries(hits)}
    body = orjson.dumps(data)
    headers = [(k, v) for k, v in headers if k != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    return {**start, "headers": headers}, {**message, "body": body}
