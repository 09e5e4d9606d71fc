"""Reading a body that may or may not be JSON, without raising: None when it is not."""

from __future__ import annotations

from typing import Any

import orjson

_OBJECT_STARTS = (b"{", b" ", b"\n", b"\r", b"\t")


def loads_or_none(body: bytes) -> Any:
    """The JSON value of `body`, or None when it is not JSON."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None


def object_or_none(body: bytes) -> dict[str, Any] | None:
    """The JSON object of `body`, or None. A body that cannot start an object is not parsed."""
    if not body or body[:1] not in _OBJECT_STARTS:
        return None
    value = loads_or_none(body)
    return value if isinstance(value, dict) else None
