"""The few pure-ASGI helpers the proxy needs: read a bounded body, send a whole response."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from proxy.errors import REQUEST_TOO_LARGE, GatewayError

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]

JSON_CONTENT_TYPE = (b"content-type", b"application/json")
CLOSE = [(b"connection", b"close")]  # do not keep reading an oversized body


class ClientDisconnected(Exception):
    """The client went away before the call finished."""


def header_map(scope: Scope) -> dict[str, str]:
    """Inbound headers by lower-case name (ASGI servers already lower-case them)."""
    return {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}


async def read_body(receive: Receive, declared_length: str | None, limit: int) -> bytes:
    """The whole body, refusing (413) when it is declared or grows too large.

    A refused body up to twice the limit is read and discarded first: closing a connection
    with unread data resets it, and the client would never see the 413.
    """
    if declared_length is not None and declared_length.isdigit() and int(declared_length) > limit:
        if int(declared_length) <= 2 * limit:
            await _discard(receive, 2 * limit)
        raise _too_large(limit)
    message = await receive()
    if message["type"] == "http.disconnect":
        raise ClientDisconnected
    body = message.get("body", b"")
    if not message.get("more_body"):
        return _checked(body, limit)
    parts = [body]
    size = len(body)
    while message.get("more_body"):
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            if message.get("more_body"):
                await _discard(receive, 2 * limit - size)
            raise _too_large(limit)
        parts.append(chunk)
    return b"".join(parts)


async def _discard(receive: Receive, budget: int) -> None:
    """Read and drop the rest of a refused body, up to `budget` bytes."""
    while budget > 0:
        message = await receive()
        if message["type"] == "http.disconnect" or not message.get("more_body"):
            return
        budget -= len(message.get("body", b""))


def _checked(body: bytes, limit: int) -> bytes:
    if len(body) > limit:
        raise _too_large(limit)
    return body


def _too_large(limit: int) -> GatewayError:
    message = f"The request body is larger than this API accepts ({limit} bytes)."
    return GatewayError(REQUEST_TOO_LARGE, message, headers=CLOSE)


async def send_whole(send: Send, status: int, headers: Headers, body: bytes) -> None:
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
