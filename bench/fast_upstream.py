"""A minimal, fast OpenAI-shaped upstream for benchmarks: raw asyncio protocol on uvloop.

`python bench/fast_upstream.py PORT`. Chat completions answer a fixed JSON with usage; a body
with `"stream": true` gets a short SSE stream (chunked) ending in a usage chunk and [DONE].
"""

from __future__ import annotations

import asyncio
import sys

import uvloop

JSON_BODY = (
    b'{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,'
    b'"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant",'
    b'"content":"Hello from the bench upstream."},"finish_reason":"stop"}],'
    b'"usage":{"prompt_tokens":9,"completion_tokens":6,"total_tokens":15}}'
)
JSON_RESPONSE = (
    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
    + str(len(JSON_BODY)).encode()
    + b"\r\n\r\n"
    + JSON_BODY
)
EVENTS = [
    b'data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":'
    b'[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null}\n\n',
    b'data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":'
    b'[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}\n\n',
    b'data: {"id":"c","object":"chat.completion.chunk","model":"gpt-4o-mini","choices":[],'
    b'"usage":{"prompt_tokens":9,"completion_tokens":1,"total_tokens":10}}\n\n',
    b"data: [DONE]\n\n",
]
STREAM_RESPONSE = (
    b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
    + b"".join(b"%x\r\n%s\r\n" % (len(e), e) for e in EVENTS)
    + b"0\r\n\r\n"
)


class Upstream(asyncio.Protocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            length = 0
            marker = head.find(b"content-length:")
            if marker >= 0:
                length = int(head[marker + 15 :].split(b"\r\n", 1)[0])
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            streaming = b'"stream":true' in body.replace(b" ", b"")
            self.transport.write(STREAM_RESPONSE if streaming else JSON_RESPONSE)


async def serve(port: int) -> None:
    server = await asyncio.get_running_loop().create_server(
        Upstream, "127.0.0.1", port, backlog=4096
    )
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    uvloop.run(serve(int(sys.argv[1])))
