"""A stream the upstream broke off: the in-band error that ends it, and the part delivered.

The response has started (200 and some events), so the only honest end left is an error event
in the caller's format: Anthropic's `event: error` for a Messages caller (the unified ingress,
or a native Anthropic API), else OpenAI's `data: {"error": …}` (which the `openai` SDK raises
on; Google's and Cohere's own errors share that shape). The events already relayed are metered
when no usage arrived: their text is counted with the model's tokenizer, so a cut answer is
billed for what the caller received. None of this runs unless a stream breaks.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from proxy.errors import GatewayError
from proxy.ingress import ANTHROPIC, NATIVE, error_body
from proxy.limits.estimate import estimate_request, estimator_for
from proxy.providers.base import Usage
from proxy.sse import EventSplitter, event_data

# Where the formats put generated text: OpenAI deltas (content, tool-call arguments, legacy
# completions' text), Anthropic deltas (text, partial_json, thinking), Gemini parts, Cohere.
TEXT_KEYS = frozenset({"content", "text", "arguments", "partial_json", "thinking"})


def speaks_anthropic(ingress: str, vendor_driver: str) -> bool:
    return ingress == ANTHROPIC or (ingress == NATIVE and vendor_driver == "anthropic")


def error_event(error: GatewayError, anthropic: bool) -> bytes:
    if anthropic:
        return b"event: error\ndata: " + error_body(error, ANTHROPIC) + b"\n\n"
    return b"data: " + error.render() + b"\n\n"


def meter_delivered(
    usage: Usage, relayed: Iterable[bytes], model: str, payload: dict[str, Any] | None
) -> None:
    """Fill in what the upstream did not report: completion tokens from the relayed text, and
    the prompt estimated from the request."""
    estimator = estimator_for(usage.model or model)
    if usage.completion_tokens == 0:
        usage.completion_tokens = estimator.count(delivered_text(relayed))
    if usage.prompt_tokens == 0 and payload:
        usage.prompt_tokens = estimate_request(payload, estimator, generates=False).prompt
    usage.total_tokens = max(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens)


def delivered_text(relayed: Iterable[bytes]) -> str:
    splitter = EventSplitter()
    parts: list[str] = []
    for chunk in relayed:
        for event in splitter.feed(chunk):
            data = event_data(event)
            if not data or data == b"[DONE]":
                continue
            try:
                _collect(orjson.loads(data), parts)
            except orjson.JSONDecodeError:
                continue
    return "".join(parts)


def _collect(value: Any, parts: list[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str):
                if key in TEXT_KEYS:
                    parts.append(item)
            else:
                _collect(item, parts)
    elif isinstance(value, list):
        for item in value:
            _collect(item, parts)
