"""Server-sent events: split a byte stream into whole events as the bytes arrive, parse one
event, frame one event."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

DONE = b"[DONE]"


@dataclass(frozen=True, slots=True)
class SseEvent:
    event: str  # the `event:` field, "" when absent
    data: bytes  # the `data:` lines joined by "\n"

    @property
    def is_done(self) -> bool:
        return self.data == DONE


def parse_event(raw: bytes) -> SseEvent:
    """Parse one event (the lines between two blank lines; a trailing separator is allowed)."""
    name = ""
    data: list[bytes] = []
    # bytes.splitlines splits on \n, \r and \r\n only, never inside UTF-8 text.
    for line in raw.splitlines():
        if not line or line.startswith(b":"):
            continue
        field, _, value = line.partition(b":")
        if value.startswith(b" "):
            value = value[1:]
        if field == b"data":
            data.append(value)
        elif field == b"event":
            name = value.decode("utf-8", "replace")
    return SseEvent(name, b"\n".join(data))


def iter_events(stream: bytes) -> Iterator[bytes]:
    """Split a whole SSE body into raw events (for tests and for re-reading translated output)."""
    normalized = stream.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    for raw in normalized.split(b"\n\n"):
        if raw.strip():
            yield raw


def frame(data: bytes, event: str = "") -> bytes:
    head = f"event: {event}\n".encode() if event else b""
    return head + b"data: " + data + b"\n\n"


def reframe(raw: bytes) -> bytes:
    """An upstream event passed through unchanged, with exactly one event separator."""
    return raw.rstrip(b"\r\n") + b"\n\n"


def json_object(data: bytes) -> dict[str, Any]:
    """A JSON object from event data; {} for anything else (keep-alives, junk)."""
    try:
        value = orjson.loads(data or b"{}")
    except orjson.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}


def event_json(raw: bytes) -> dict[str, Any]:
    """The JSON object a raw event's data carries; {} when it carries none."""
    return json_object(parse_event(raw).data)


class EventSplitter:
    """Feed chunks, get back complete events (each with its blank-line terminator)."""

    __slots__ = ("_buffer",)

    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, chunk: bytes) -> list[bytes]:
        buffer = self._buffer + chunk if self._buffer else chunk
        events = []
        start = 0
        while True:
            end, size = _next_boundary(buffer, start)
            if end < 0:
                break
            events.append(buffer[start : end + size])
            start = end + size
        self._buffer = buffer[start:]
        return events

    def rest(self) -> bytes:
        """Whatever arrived after the last complete event (a stream cut short)."""
        rest, self._buffer = self._buffer, b""
        return rest


def _next_boundary(buffer: bytes, start: int) -> tuple[int, int]:
    lf = buffer.find(b"\n\n", start)
    crlf = buffer.find(b"\r\n\r\n", start)
    if crlf >= 0 and (lf < 0 or crlf < lf):
        return crlf, 4
    return lf, 2


def event_data(event: bytes) -> bytes | None:
    """The joined `data:` lines of one event, or None when it has none (the relay's fast path;
    `parse_event` also reads the event name)."""
    lines = [
        line[5:].lstrip(b" ")
        for line in event.replace(b"\r\n", b"\n").split(b"\n")
        if line.startswith(b"data:")
    ]
    return b"\n".join(lines) if lines else None
