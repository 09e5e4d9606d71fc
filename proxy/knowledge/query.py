"""What to search for: the text of a conversation, read from an OpenAI- or Anthropic-shaped
request (a message's content is text or a list of text parts)."""

from __future__ import annotations

from typing import Any

CONVERSATION_MESSAGES = 8  # the conversation strategy reads this many latest turns
MAX_QUERY_CHARS = 4_000


def message_text(message: Any) -> str:
    if not isinstance(message, dict):
        return ""
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text") for p in content if isinstance(p, dict) and p.get("type") == "text"]
        return "\n".join(p for p in parts if isinstance(p, str))
    return ""


def turns(payload: dict[str, Any]) -> list[tuple[str, str]]:
    """(role, text) of the user and assistant messages, in order."""
    messages = payload.get("messages")
    if not isinstance(messages, list):
        return []
    found = [
        (str(m.get("role")), message_text(m))
        for m in messages
        if isinstance(m, dict) and m.get("role") in ("user", "assistant")
    ]
    return [(role, text) for role, text in found if text.strip()]


def last_user_message(payload: dict[str, Any]) -> str:
    for role, text in reversed(turns(payload)):
        if role == "user":
            return text[-MAX_QUERY_CHARS:]
    return ""


def conversation(payload: dict[str, Any]) -> str:
    recent = turns(payload)[-CONVERSATION_MESSAGES:]
    return "\n".join(text for _, text in recent)[-MAX_QUERY_CHARS:]
