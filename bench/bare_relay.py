"""The reference the proxy is measured against: the least a Python relay can do per call.

    python bench/bare_relay.py PORT UPSTREAM_URL KEY [KEY ...]

uvicorn (uvloop + httptools), one pooled aiohttp session, orjson and a dict of keys: the key is
looked up, the body parsed once for `stream`, the call relayed to UPSTREAM_URL + the path after
the first two segments (`/<api>/<version>/chat/completions` → `UPSTREAM_URL/chat/completions`)
and the answer (JSON or SSE) relayed back as it arrives. No metering, limits or logging: every
figure of the proxy in bench/proxy_overhead.py is a ratio to this one.
"""

from __future__ import annotations

import sys
from typing import Any

import aiohttp
import orjson
import uvicorn

Scope = dict[str, Any]
UNAUTHORIZED = orjson.dumps({"error": {"message": "invalid key", "code": "invalid_api_key"}})
HOP_BY_HOP = {"connection", "transfer-encoding", "keep-alive", "content-length"}


class BareRelay:
    def __init__(self, upstream: str, keys: list[str]) -> None:
        self.upstream = upstream.rstrip("/")
        self.keys = {key: {"provider_key": "Bearer sk-bench-provider"} for key in keys}
        self.session: aiohttp.ClientSession | None = None

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
        elif scope["type"] == "http":
            await self.http(scope, receive, send)

    async def lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.session = aiohttp.ClientSession(
                    connector=aiohttp.TCPConnector(limit=0), auto_decompress=False
                )
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                assert self.session is not None
                await self.session.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def http(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["path"] == "/readyz":
            await respond(send, 200, b"application/json", b'{"ready":true}')
            return
        headers = {
            name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]
        }
        scheme, _, key = headers.get("authorization", "").partition(" ")
        account = self.keys.get(key) if scheme.lower() == "bearer" else None
        if account is None:
            await respond(send, 401, b"application/json", UNAUTHORIZED)
            return
        body = await read_body(receive)
        payload = orjson.loads(body) if body else {}
        stream = isinstance(payload, dict) and payload.get("stream") is True
        path = "/" + scope["path"].lstrip("/").split("/", 2)[-1]
        assert self.session is not None
        async with self.session.post(
            self.upstream + path,
            data=body,
            headers={"content-type": "application/json", "authorization": account["provider_key"]},
        ) as upstream:
            out = [
                (name.lower().encode("latin-1"), value.encode("latin-1"))
                for name, value in upstream.headers.items()
                if name.lower() not in HOP_BY_HOP
            ]
            if not stream:
                await respond(send, upstream.status, None, await upstream.read(), out)
                return
            await send({"type": "http.response.start", "status": upstream.status, "headers": out})
            async for chunk in upstream.content.iter_any():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})


async def read_body(receive: Any) -> bytes:
    parts = []
    while True:
        message = await receive()
        parts.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(parts)


async def respond(
    send: Any,
    status: int,
    content_type: bytes | None,
    body: bytes,
    headers: list[tuple[bytes, bytes]] | None = None,
) -> None:
    out = list(headers or [])
    if content_type:
        out.append((b"content-type", content_type))
    out.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": body})


def main() -> None:
    port, upstream, *keys = sys.argv[1:]
    uvicorn.run(
        BareRelay(upstream, keys),
        host="127.0.0.1",
        port=int(port),
        loop="uvloop",
        http="httptools",
        lifespan="on",
        log_level="warning",
        access_log=False,
        backlog=4096,
    )


if __name__ == "__main__":
    main()
