"""Where retrieved passages go: a system block built from the API's template, numbered so the
model can cite them as [n]."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from proxy.knowledge.index import Hit

ANTHROPIC = "anthropic"


def render_sources(hits: list[Hit]) -> str:
    return "\n\n".join(
        f"[{n}] {hit.passage.title}\n{hit.passage.text}" for n, hit in enumerate(hits, 1)
    )


def system_block(template: str, hits: list[Hit]) -> str:
    return template.replace("{sources}", render_sources(hits))


def place(payload: dict[str, Any], shape: str, block: str) -> None:
    """Add the block after the publisher's and caller's own system instructions."""
    if shape == ANTHROPIC:
        payload["system"] = _after_anthropic_system(payload.get("system"), block)
        return
    messages = payload.get("messages")
    if not isinstance(messages, list):
        return
    at = 0
    while at < len(messages) and _is_instruction(messages[at]):
        at += 1
    messages.insert(at, {"role": "system", "content": block})


def _is_instruction(message: Any) -> bool:
    return isinstance(message, dict) and message.get("role") in ("system", "developer")


def _after_anthropic_system(system: Any, block: str) -> Any:
    if isinstance(system, list) and system:
        return [*system, {"type": "text", "text": block}]
    if isinstance(system, str) and system:
        return f"{system}\n\n{block}"
    return block
