"""The one interface every vendor driver implements.

A driver is created per call (it may hold stream state) and does four things: build the
upstream request, parse a whole response into (client body, usage), turn one upstream SSE event
into the bytes sent to the client (plus usage when the event carries it), and map an upstream
error. Drivers are pure: no I/O, so golden-file tests run them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from proxy.contract import Endpoint, Vendor
from proxy.limits.model import Usage as Usage  # one Usage for drivers, gateway and limits


@dataclass(slots=True)
class Call:
    """An inbound call, after routing and authentication."""

    vendor: Vendor
    endpoint: Endpoint
    credential: str  # decrypted provider key, in memory only
    method: str
    operation: str  # the vendor operation path, e.g. "/chat/completions"
    query: str  # raw query string, kept as sent
    headers: dict[str, str]  # inbound headers minus auth and hop-by-hop, lower-case names
    body: bytes
    payload: dict[str, Any] | None = None  # parsed JSON body, when there is one
    stream: bool = False
    client_wants_usage: bool = False  # the client itself asked for stream usage
    ingress: str = "native"  # native | openai (unified surface) | anthropic
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class UpstreamRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None


@dataclass(slots=True)
class Translated:
    """What goes back to the client for one upstream response or stream event."""

    body: bytes
    usage: Usage | None = None


class Driver(Protocol):
    """Made per call by the vendor's driver class (`registry.DriverFactory`); optional
    capabilities are the protocols in `capabilities.py`."""

    def build_request(self) -> UpstreamRequest: ...

    def parse_response(self, status: int, body: bytes) -> Translated: ...

    def parse_stream_event(self, event: bytes) -> Translated: ...

    def stream_end(self) -> bytes: ...

    def map_error(self, status: int, body: bytes) -> tuple[int, bytes]: ...
