"""Split a server-sent-events byte stream into whole events, as the bytes arrive."""

from __future__ import annotations


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
    """The joined `data:` lines of one event, or None when it has none."""
    lines = [
        line[5:].lstrip(b" ")
        for line in event.replace(b"\r\n", b"\n").split(b"\n")
        if line.startswith(b"data:")
    ]
    return b"\n".join(lines) if lines else None
