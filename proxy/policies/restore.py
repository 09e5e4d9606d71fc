"""Mask and restore, the way back: placeholders in the answer become the caller's values again.

A whole answer is rewritten in its JSON bytes (each value JSON-escaped). A stream is rewritten
event by event, in the text fields of each event; a placeholder split across two events (`[EMA`
then `IL_1]`) is held back until it is whole, so the caller never sees a placeholder or a
piece of one.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from proxy.policies.text import ANSWER_KEYS
from proxy.sse import EventSplitter, frame, parse_event


def placeholder_pattern(restore: dict[str, str]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, sorted(restore, key=len, reverse=True))))


def restore_whole(body: bytes, restore: dict[str, str]) -> bytes:
    escaped = {
        placeholder.encode(): orjson.dumps(value)[1:-1] for placeholder, value in restore.items()
    }
    pattern = re.compile(b"|".join(map(re.escape, sorted(escaped, key=len, reverse=True))))
    return pattern.sub(lambda match: escaped[match.group()], body)


class TextRestorer:
    """Restores placeholders in text that arrives in pieces."""

    __slots__ = ("_restore", "_pattern", "_longest", "_held")

    def __init__(self, restore: dict[str, str]) -> None:
        self._restore = restore
        self._pattern = placeholder_pattern(restore)
        self._longest = max(map(len, restore))
        self._held = ""

    def feed(self, text: str) -> str:
        text, self._held = self._held + text, ""
        cut = text.rfind("[")
        if cut >= 0 and len(text) - cut < self._longest:
            tail = text[cut:]
            if any(placeholder.startswith(tail) for placeholder in self._restore):
                text, self._held = text[:cut], tail
        return self._pattern.sub(lambda match: self._restore[match.group()], text)

    def flush(self) -> str:
        held, self._held = self._held, ""
        return held


class StreamRestorer:
    """Rewrites the text fields of translated SSE events (the caller's format)."""

    __slots__ = ("_text", "_splitter", "_last_text_event")

    def __init__(self, restore: dict[str, str]) -> None:
        self._text = TextRestorer(restore)
        self._splitter = EventSplitter()
        self._last_text_event: tuple[str, dict[str, Any], list[Any]] | None = None

    def rewrite(self, body: bytes) -> bytes:
        if b"[" not in body and not self._held():
            return body
        return b"".join(self._rewrite_event(event) for event in self._splitter.feed(body))

    def _held(self) -> bool:
        return bool(self._text._held)

    def _rewrite_event(self, raw: bytes) -> bytes:
        event = parse_event(raw)
        try:
            document = orjson.loads(event.data) if event.data else None
        except orjson.JSONDecodeError:
            return raw
        slots: list[Any] = []
        _text_slots(document, slots)
        if not slots:
            return self.flush() + raw  # the end of the text: nothing may stay held back
        for container, key in slots:
            container[key] = self._text.feed(container[key])
        self._last_text_event = (event.event, document, slots)  # type: ignore[assignment]
        return frame(orjson.dumps(document), event.event)

    def flush(self) -> bytes:
        """What was held back at the end of the stream, as one more text event."""
        held = self._text.flush()
        if not held or self._last_text_event is None:
            return b""
        name, document, slots = self._last_text_event
        container, key = slots[0]
        container[key] = held
        return frame(orjson.dumps(document), name)


def _text_slots(value: Any, slots: list[Any]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                if key in ANSWER_KEYS and item:
                    slots.append((value, key))
            else:
                _text_slots(item, slots)
    elif isinstance(value, list):
        for item in value:
            _text_slots(item, slots)
