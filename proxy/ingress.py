"""Which format a caller speaks, and what that changes: the driver and the shape of errors.

A native API is called in its vendor's own format. An OpenAI-compatible ("unified") API is
called in OpenAI's format on every operation, except `POST /v1/messages`, which speaks
Anthropic's Messages API (the `anthropic` SDK, Claude Code) and is translated to the vendor.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from proxy.contract import DeploymentSnapshot
from proxy.errors import GatewayError
from proxy.providers.anthropic.ingress import anthropic_error_body, open_driver
from proxy.providers.base import Call, Driver
from proxy.providers.capabilities import REQUESTED_MODEL, ReadsRequestedModel
from proxy.providers.registry import DriverFactory

NATIVE = "native"
OPENAI = "openai"
ANTHROPIC = "anthropic"
MESSAGES_PATH = "/v1/messages"
CHAT_COMPLETIONS = ("POST", "/chat/completions")
MESSAGES = ("POST", MESSAGES_PATH)
# Offered on a unified API only where the vendor's own definition has them (OpenAI's shape).
UNIFIED_WHERE_OFFERED = (
    ("POST", "/completions"),
    ("POST", "/embeddings"),
    ("GET", "/models"),
    ("GET", "/models/{model}"),
)


def ingress_for(snapshot: DeploymentSnapshot, operation: str) -> str:
    if snapshot.api_type != "unified":
        return NATIVE
    return ANTHROPIC if operation.rstrip("/") == MESSAGES_PATH else OPENAI


def open_call_driver(driver_cls: DriverFactory, call: Call) -> Driver:
    if call.ingress == ANTHROPIC:
        return open_driver(call, driver_cls)
    return driver_cls(call)


def requested_model(driver: Driver, fallback: str) -> str:
    """The model the caller asked for, as the driver reads it (e.g. Gemini's from the URL)."""
    if not REQUESTED_MODEL[type(driver)]:
        return fallback
    return cast(ReadsRequestedModel, driver).requested_model() or fallback


def error_body(error: GatewayError, ingress: str) -> bytes:
    if ingress == ANTHROPIC:
        return anthropic_error_body(error.status, error.render())
    return error.render()


def unified_operations(native: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The (method, path) pairs an OpenAI-compatible API offers on a vendor whose own
    definition has `native`: chat and Messages always, the rest of OpenAI's surface where the
    vendor has it."""
    offered = {(method.upper(), path.rstrip("/")) for method, path in native}
    return [
        CHAT_COMPLETIONS,
        MESSAGES,
        *(operation for operation in UNIFIED_WHERE_OFFERED if operation in offered),
    ]
