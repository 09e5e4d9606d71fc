"""Where the text of a request or an answer is: slots that can be read and rewritten in place.

By default a request's text is every message's text whatever the format (OpenAI's `messages`,
`prompt` and `input`; Anthropic's `system` and content blocks; Gemini's `contents` parts), and
an answer's text is every generated string (`content`, `text`, tool-call arguments). A policy
may name its own JSONPath instead (jsonpath-ng syntax), e.g. `$.messages[-1:].content`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonpath_ng import JSONPath

REQUEST_ROOTS = ("system", "messages", "prompt", "input", "contents", "message")
NESTED = ("content", "text", "parts")
ANSWER_KEYS = frozenset({"content", "text", "arguments", "partial_json", "thinking"})


class Slot:
    """One string inside a JSON document, addressed by its container and key."""

    __slots__ = ("container", "key")

    def __init__(self, container: Any, key: Any) -> None:
        self.container = container
        self.key = key

    @property
    def value(self) -> str:
        return self.container[self.key]  # type: ignore[no-any-return]

    def set(self, value: str) -> None:
        self.container[self.key] = value


def compile_path(expression: str) -> JSONPath:
    """Raises ValueError with a readable message for an invalid expression."""
    from jsonpath_ng.ext import parse  # loaded only by an API whose policy names a path

    try:
        return parse(expression)
    except Exception as exc:  # the parser raises several unrelated types for bad input
        raise ValueError(f"Not a valid JSONPath: {exc}") from None


def request_slots(payload: dict[str, Any], path: JSONPath | None = None) -> list[Slot]:
    if path is not None:
        return path_slots(payload, path)
    slots: list[Slot] = []
    for root in REQUEST_ROOTS:
        if root in payload:
            _walk(payload, root, slots)
    return slots


def path_slots(document: Any, path: JSONPath) -> list[Slot]:
    slots: list[Slot] = []
    for match in path.find(document):
        container = match.context.value if match.context is not None else None
        key = _last_key(match)
        if container is not None and key is not None:
            _walk(container, key, slots)
    return slots


def answer_texts(document: Any, path: JSONPath | None = None) -> list[str]:
    if path is not None:
        return [slot.value for slot in path_slots(document, path)]
    texts: list[str] = []
    _collect_answer(document, texts)
    return texts


def _walk(container: Any, key: Any, slots: list[Slot]) -> None:
    value = container[key]
    if isinstance(value, str):
        slots.append(Slot(container, key))
    elif isinstance(value, list):
        for index in range(len(value)):
            _walk(value, index, slots)
    elif isinstance(value, dict):
        for nested in NESTED:
            if nested in value:
                _walk(value, nested, slots)


def _last_key(match: Any) -> Any:
    path = match.path
    fields = getattr(path, "fields", None)
    if fields:
        return fields[0]
    index = getattr(path, "index", None)
    if index is not None:
        return index
    return None


def _collect_answer(value: Any, texts: list[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                if key in ANSWER_KEYS:
                    texts.append(item)
            else:
                _collect_answer(item, texts)
    elif isinstance(value, list):
        for item in value:
            _collect_answer(item, texts)
