"""Where a custom vendor keeps token counts and model names: a JSONPath into the JSON payload,
or `header:<name>`. Validated when a vendor is saved (`validate_usage_paths`) and compiled
once per call in the proxy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from proxy.providers.base import Usage
from proxy.providers.common.jsonpath import InvalidPath, JsonPath, compile_path

TOKEN_FIELDS = ("prompt_tokens", "completion_tokens", "total_tokens")
MODEL_FIELDS = ("request_model", "response_model")
FIELDS = TOKEN_FIELDS + MODEL_FIELDS
HEADER_PREFIX = "header:"


@dataclass(frozen=True, slots=True)
class Source:
    """One place to read a value from: a response/request header, or a path in the JSON."""

    header: str = ""  # lower-case header name, when the value travels in a header
    path: JsonPath | None = None

    def read(self, data: Any, headers: Mapping[str, str]) -> Any:
        if self.header:
            return headers.get(self.header)
        return self.path.find(data) if self.path and data is not None else None


def compile_source(text: str) -> Source:
    text = text.strip()
    if text.lower().startswith(HEADER_PREFIX):
        name = text[len(HEADER_PREFIX) :].strip().lower()
        if not name or any(c in name for c in " :\r\n"):
            raise InvalidPath(f"{text!r}: write header:<name>, e.g. header:x-tokens-used")
        return Source(header=name)
    return Source(path=compile_path(text))


def validate_usage_paths(paths: Mapping[str, Any]) -> dict[str, str]:
    """Problems per field (empty when all is well), worded for the person who typed them."""
    errors: dict[str, str] = {}
    for field, text in paths.items():
        if field not in FIELDS:
            errors[field] = f"unknown field; expected one of {', '.join(FIELDS)}"
        elif not isinstance(text, str):
            errors[field] = "must be a JSONPath such as $.usage.prompt_tokens or header:<name>"
        elif text.strip():
            try:
                compile_source(text)
            except InvalidPath as exc:
                errors[field] = str(exc)
    return errors


@dataclass(frozen=True, slots=True)
class UsagePaths:
    sources: dict[str, Source]

    @classmethod
    def compile(cls, paths: Mapping[str, Any]) -> UsagePaths:
        """Valid entries only: a bad path (caught on save) must not fail a live call."""
        sources = {}
        for field, text in paths.items():
            if field in FIELDS and isinstance(text, str) and text.strip():
                try:
                    sources[field] = compile_source(text)
                except InvalidPath:
                    continue
        return cls(sources)

    def usage(self, data: Any, headers: Mapping[str, str]) -> Usage:
        prompt, completion, total = (_count(self._read(f, data, headers)) for f in TOKEN_FIELDS)
        model = self._read("response_model", data, headers)
        return Usage(prompt, completion, total, model if isinstance(model, str) else "")

    def request_model(self, payload: Any, headers: Mapping[str, str]) -> str:
        model = self._read("request_model", payload, headers)
        return model if isinstance(model, str) else ""

    def _read(self, field: str, data: Any, headers: Mapping[str, str]) -> Any:
        source = self.sources.get(field)
        return source.read(data, headers) if source else None


def _count(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        return max(int(value), 0)
    if isinstance(value, str):
        try:
            return max(int(float(value.strip())), 0)
        except ValueError:
            return 0
    return 0
