"""Prompt decorator (Kong's ai-prompt-decorator): messages the publisher puts before
(`prepend`) and after (`append`) the caller's conversation. On an Anthropic request, system
messages go into `system`.

Parameters: `prepend`, `append`: [{"role": "system"|"user"|"assistant", "content": "text"}].
"""

from __future__ import annotations

from typing import Any

from proxy.ingress import ANTHROPIC
from proxy.policies.base import REQUEST, FieldErrors, PolicyCall, PolicySpec
from proxy.policies.decorate import system_into_anthropic

ROLES = ("system", "user", "assistant")


def flows(params: dict[str, Any]) -> tuple[str, ...]:
    return (REQUEST,)


def validate(params: dict[str, Any]) -> FieldErrors:
    errors: FieldErrors = {}
    unknown = sorted(set(params) - {"prepend", "append"})
    if unknown:
        errors["parameters"] = [f"Unknown parameter {name!r}." for name in unknown]
    for name in ("prepend", "append"):
        messages = params.get(name, [])
        valid = isinstance(messages, list) and all(
            isinstance(m, dict)
            and set(m) == {"role", "content"}
            and m["role"] in ROLES
            and isinstance(m["content"], str)
            for m in messages
        )
        if not valid:
            errors[name] = ["Expected a list of {role: system|user|assistant, content: text}."]
    if not errors and not (params.get("prepend") or params.get("append")):
        errors["prepend"] = ["Add at least one message to prepend or append."]
    return errors


class PromptDecorator:
    __slots__ = ("label", "prepend", "append")

    def __init__(self, spec: PolicySpec) -> None:
        self.label = spec.label
        self.prepend = list(spec.parameters.get("prepend", []))
        self.append = list(spec.parameters.get("append", []))

    def on_request(self, call: PolicyCall) -> None:
        messages = call.payload.get("messages")
        if not isinstance(messages, list):
            return  # not a conversation (completions, embeddings): nothing to decorate
        call.payload["messages"] = [*map(dict, self.prepend), *messages, *map(dict, self.append)]
        if call.ingress == ANTHROPIC or "messages" in call.operation:
            system_into_anthropic(call.payload)
        call.changed = True
        call.actions.append((self.label, "decorated"))


def build(spec: PolicySpec) -> PromptDecorator:
    return PromptDecorator(spec)
