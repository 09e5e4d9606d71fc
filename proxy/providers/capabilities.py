"""What a driver may do beyond the `Driver` interface, declared as protocols.

A driver class has a capability when it has the protocol's methods (checked structurally, once
per class: when the registry loads the driver, or the first time a wrapping driver is seen), so
asking a driver for a capability on a call is one dict lookup, not an attribute search.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Generic, Protocol, TypeVar, cast, runtime_checkable

T = TypeVar("T")


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


class Capability(Generic[T]):
    """One optional capability, resolved per driver class and remembered."""

    __slots__ = ("protocol", "_classes")

    def __init__(self, protocol: type) -> None:
        self.protocol = protocol
        self._classes: dict[type, bool] = {}

    def resolve(self, cls: type) -> bool:
        has = self._classes[cls] = issubclass(cls, self.protocol)
        return has

    def of(self, driver: object) -> T | None:
        """`driver` seen as this capability, or None when its class does not have it."""
        cls = type(driver)
        has = self._classes.get(cls)
        if has is None:
            has = self.resolve(cls)
        return cast(T, driver) if has else None


REQUESTED_MODEL = Capability[ReadsRequestedModel](ReadsRequestedModel)
RESPONSE_HEADERS = Capability[ReadsResponseHeaders](ReadsResponseHeaders)
CAPABILITIES = (REQUESTED_MODEL, RESPONSE_HEADERS)


def resolve_capabilities(driver_class: object) -> None:
    """Learn which capabilities a driver class has (the registry calls it when it loads one)."""
    if isinstance(driver_class, type):
        for capability in CAPABILITIES:
            capability.resolve(driver_class)
