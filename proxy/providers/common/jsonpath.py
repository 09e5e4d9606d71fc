"""The JSONPath subset usage paths need: `$.usage.prompt_tokens`, `$.choices[0].model`,
`$['x-count']`, `$.items[-1].n`.

Why not a full JSONPath library: a usage path must name exactly one value, so wildcards,
filters, slices and recursive descent are errors here, not features; the subset compiles to a
tuple of keys and indexes that is read with plain lookups on the hot path (no parser objects,
no new dependency in the proxy), and its error messages can say exactly what is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_NAME = re.compile(r"[A-Za-z0-9_-]+")
_INDEX = re.compile(r"-?\d+")
_QUOTED = re.compile(r"""'([^'\\]*)'|"([^"\\]*)\"""")
_NOT_ONE_VALUE = "wildcards, filters, slices and '..' are not supported: name exactly one value"


class InvalidPath(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class JsonPath:
    text: str
    steps: tuple[str | int, ...]

    def find(self, data: Any) -> Any:
        """The value at this path, or None when any step is missing."""
        for step in self.steps:
            if isinstance(step, int):
                if not isinstance(data, list) or not -len(data) <= step < len(data):
                    return None
                data = data[step]
            elif isinstance(data, dict):
                data = data.get(step)
            else:
                return None
        return data


@lru_cache(maxsize=1024)
def compile_path(text: str) -> JsonPath:
    if not text.startswith("$"):
        raise InvalidPath(f"{text!r}: a path starts with '$', e.g. $.usage.prompt_tokens")
    steps: list[str | int] = []
    position = 1
    while position < len(text):
        step, position = _step(text, position)
        steps.append(step)
    if not steps:
        raise InvalidPath(f"{text!r}: the path names no value")
    return JsonPath(text, tuple(steps))


def _step(text: str, position: int) -> tuple[str | int, int]:
    char = text[position]
    if char == "." and text[position + 1 : position + 2] not in ("", ".", "*"):
        name = _NAME.match(text, position + 1)
        if name:
            return name.group(), name.end()
    elif char == "[":
        return _bracket(text, position + 1)
    if char == "." or text[position + 1 : position + 2] in ("*", "?"):
        raise InvalidPath(f"{text!r}: {_NOT_ONE_VALUE}")
    raise InvalidPath(f"{text!r}: unexpected {char!r} at position {position}")


def _bracket(text: str, position: int) -> tuple[str | int, int]:
    index = _INDEX.match(text, position)
    quoted = _QUOTED.match(text, position)
    if index:
        step: str | int = int(index.group())
        end = index.end()
    elif quoted:
        step = quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
        end = quoted.end()
    else:
        raise InvalidPath(f"{text!r}: {_NOT_ONE_VALUE}")
    if text[end : end + 1] != "]":
        raise InvalidPath(f"{text!r}: expected ']' at position {end}")
    return step, end + 1
