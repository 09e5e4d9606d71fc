"""An OpenAI-style upstream that streams its answer slowly, one word every `pause` seconds.

The mock provider streams as fast as it can, so its chunks may reach the browser in one read;
this one proves the console draws a streamed answer while it is still arriving.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

WORDS = ["Streaming", "one", "word", "at", "a", "time."]


def _chunk(delta: dict, finish: str | None = None, usage: dict | None = None) -> bytes:
    choices = [] if usage else [{"index": 0, "delta": delta, "finish_reason": finish}]
    body = {
        "id": "chatcmpl-slow",
        "object": "chat.completion.chunk",
        "created": 0,
        "model": "slow-model",
        "choices": choices,
    }
    if usage:
        body["usage"] = usage
    return b"data: " + json.dumps(body).encode() + b"\n\n"


class _Handler(BaseHTTPRequestHandler):
    pause = 0.25

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("content-length") or 0)
        payload = json.loads(self.rfile.read(length) or b"{}")
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("connection", "close")
        self.end_headers()
        for index, word in enumerate(WORDS):
            self.wfile.write(_chunk({"content": word if index == 0 else f" {word}"}))
            self.wfile.flush()
            time.sleep(self.pause)
        self.wfile.write(_chunk({}, finish="stop"))
        if (payload.get("stream_options") or {}).get("include_usage"):
            usage = {
                "prompt_tokens": 5,
                "completion_tokens": len(WORDS),
                "total_tokens": 5 + len(WORDS),
            }
            self.wfile.write(_chunk({}, usage=usage))
        self.wfile.write(b"data: [DONE]\n\n")
        self.wfile.flush()

    def log_message(self, *args) -> None:
        pass


@contextmanager
def slow_upstream() -> Iterator[str]:
    """Serves on a free loopback port; yields the base URL (`http://127.0.0.1:N/v1`)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
