"""Adding messages to a conversation in the caller's format (OpenAI's `messages`, or
Anthropic's, where system text lives in `system`)."""

from __future__ import annotations

from typing import Any


def system_into_anthropic(payload: dict[str, Any]) -> None:
    """Move system-role messages into Anthropic's `system` (after what is there)."""
    messages = payload.get("messages")
    if not isinstance(messages, list):
        return
    system = [m["content"] for m in messages if isinstance(m, dict) and m.get("role") == "system"]
    if not system:
        return
    payload["messages"] = [
        m for m in messages if not (isinstance(m, dict) and m.get("role") == "system")
    ]
    existing = payload.get("system")
    if isinstance(existing, list):
        payload["system"] = [*existing, *({"type": "text", "text": t} for t in system)]
    else:
        payload["system"] = "\n\n".join([*([existing] if existing else []), *system])
