"""What a driver may do beyond the `Driver` interface, declared as protocols.

A driver class has a capability when it has the protocol's methods (checked structurally, once
per class: when the registry loads the driver, or the first time a wrapping driver is seen), so
asking a driver for a capability on a call is one dict lookup:

    if RESPONSE_HEADERS[type(driver)]:
        cast(ReadsResponseHeaders, driver).on_response_headers(headers)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable


@runtime_checkable
class ReadsRequestedModel(Protocol):
    """The driver knows the model the caller asked for better than the body's `model` does
    (Gemini names it in the URL; a custom vendor's usage paths say where it is)."""

    def requested_model(self) -> str: ...


@runtime_checkable
class ReadsResponseHeaders(Protocol):
    """The driver reads the upstream's response headers, handed over before the body (a custom
    vendor metered from `header:<name>` usage paths)."""

    def on_response_headers(self, headers: Mapping[str, str]) -> None: ...


@runtime_checkable
class KnowsStreamEnd(Protocol):
    """The driver tells a whole stream from one the upstream closed cleanly before its
    vendor's end marker (`[DONE]`, `message_stop`, a finish reason…); asked once, after the
    body ended. The marker is noticed while parsing the events the driver parses anyway."""

    def stream_complete(self) -> bool: ...


@runtime_checkable
class AddsErrorHeaders(Protocol):
    """The driver reads response headers out of an upstream error's body (Gemini's
    `RetryInfo` delay becomes `retry-after`); asked only for error answers."""

    def error_headers(self, status: int, body: bytes) -> list[tuple[bytes, bytes]]: ...


@runtime_checkable
class AliasesOperations(Protocol):
    """The vendor answers one operation at several paths (Gemini's `v1` and `v1beta`): the
    deployment also serves the twins of its defined operations. Asked once, when a deployment
    is loaded."""

    @classmethod
    def operation_aliases(cls, method: str, path: str) -> tuple[str, ...]: ...


class Capability(dict[type, bool]):
    """Which driver classes have one optional capability: `CAPABILITY[type(driver)]`.

    A plain dict lookup on the hot path (no Python-level call); a class not seen before is
    checked against the protocol once, on its first lookup, and remembered.
    """

    __slots__ = ("protocol",)

    def __init__(self, protocol: type) -> None:
        super().__init__()
        self.protocol = protocol

    def __missing__(self, cls: type) -> bool:
        has = self[cls] = issubclass(cls, self.protocol)
        return has


REQUESTED_MODEL = Capability(ReadsRequestedModel)
RESPONSE_HEADERS = Capability(ReadsResponseHeaders)
STREAM_END = Capability(KnowsStreamEnd)
OPERATION_ALIASES = Capability(AliasesOperations)
ERROR_HEADERS = Capability(AddsErrorHeaders)
CAPABILITIES = (REQUESTED_MODEL, RESPONSE_HEADERS, STREAM_END, OPERATION_ALIASES, ERROR_HEADERS)


def resolve_capabilities(driver_class: object) -> None:
    """Learn which capabilities a driver class has (the registry calls it when it loads one)."""
    if isinstance(driver_class, type):
        for capability in CAPABILITIES:
            capability[driver_class] = issubclass(driver_class, capability.protocol)
