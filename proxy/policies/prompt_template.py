"""Prompt templates (Kong's ai-prompt-template): a caller sends `"messages"` (or `"prompt"`)
as `"{template://name}"` with `"properties": {"var": "value"}`, and the gateway puts the
publisher's template in its place, each `{{var}}` filled in. With `template_only` a request
that does not name a template is refused (`prompt_template_required`).

Parameters: `templates`: [{"name", "messages": [{"role", "content"}] | "prompt": "text"}],
`template_only`: bool.
"""

from __future__ import annotations

import re
from typing import Any

from proxy.errors import PROMPT_TEMPLATE_INVALID, PROMPT_TEMPLATE_REQUIRED, GatewayError
from proxy.ingress import ANTHROPIC
from proxy.policies.base import REQUEST, FieldErrors, PolicyCall, PolicySpec
from proxy.policies.decorate import system_into_anthropic
from proxy.policies.guardrail import check_common

REFERENCE = re.compile(r"^\{template://([A-Za-z0-9_.-]{1,64})\}$")
VARIABLE = re.compile(r"\{\{\s*([A-Za-z0-9_]{1,64})\s*\}\}")
NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
ROLES = ("system", "user", "assistant")


def flows(params: dict[str, Any]) -> tuple[str, ...]:
    return (REQUEST,)


def validate(params: dict[str, Any]) -> FieldErrors:
    errors = check_common(params, ("templates", "template_only"))
    errors.pop("mode", None)
    errors.pop("json_path", None)
    templates = params.get("templates")
    if not isinstance(templates, list) or not templates:
        errors["templates"] = ["Expected a list of {name, messages | prompt}."]
        return errors
    names: set[str] = set()
    for template in templates:
        problem = _template_problem(template, names)
        if problem:
            errors["templates"] = [problem]
            break
    if not isinstance(params.get("template_only", False), bool):
        errors["template_only"] = ["Expected true or false."]
    return errors


def _template_problem(template: Any, names: set[str]) -> str:
    if not isinstance(template, dict) or not NAME.match(str(template.get("name", ""))):
        return "Each template needs a name (letters, digits, '.', '_', '-')."
    if template["name"] in names:
        return f"Two templates are named {template['name']!r}."
    names.add(template["name"])
    if set(template) - {"name", "messages", "prompt"} or ("messages" in template) == (
        "prompt" in template
    ):
        return f"Template {template['name']!r} needs either 'messages' or 'prompt'."
    if "prompt" in template:
        return "" if isinstance(template["prompt"], str) else "'prompt' must be text."
    messages = template["messages"]
    valid = isinstance(messages, list) and all(
        isinstance(m, dict) and m.get("role") in ROLES and isinstance(m.get("content"), str)
        for m in messages
    )
    return "" if valid else "'messages' must be a list of {role, content} (text)."


class PromptTemplates:
    __slots__ = ("label", "templates", "template_only")

    def __init__(self, spec: PolicySpec) -> None:
        self.label = spec.label
        self.templates = {t["name"]: t for t in spec.parameters["templates"]}
        self.template_only = bool(spec.parameters.get("template_only"))

    def on_request(self, call: PolicyCall) -> None:
        payload = call.payload
        field = "messages" if isinstance(payload.get("messages"), str) else "prompt"
        found = (
            REFERENCE.match(payload.get(field) or "")
            if isinstance(payload.get(field), str)
            else None
        )
        if found is None:
            if self.template_only:
                raise GatewayError(PROMPT_TEMPLATE_REQUIRED)
            return
        template = self.templates.get(found.group(1))
        if template is None:
            raise GatewayError(PROMPT_TEMPLATE_INVALID, "No such prompt template.", param=field)
        properties = payload.pop("properties", None) or {}
        if not isinstance(properties, dict):
            raise GatewayError(PROMPT_TEMPLATE_INVALID, "'properties' must be an object.")
        _apply(call, field, template, properties)
        call.changed = True
        call.actions.append((self.label, "templated"))


def _apply(
    call: PolicyCall, field: str, template: dict[str, Any], properties: dict[str, Any]
) -> None:
    payload = call.payload
    del payload[field]
    chat = call.ingress == ANTHROPIC or "chat" in call.operation or "messages" in call.operation
    if "prompt" in template:
        text = fill(template["prompt"], properties)
        if chat:
            payload["messages"] = [{"role": "user", "content": text}]
        else:
            payload["prompt"] = text
        return
    messages = [{**m, "content": fill(m["content"], properties)} for m in template["messages"]]
    payload["messages"] = messages
    if call.ingress == ANTHROPIC or "messages" in call.operation:
        system_into_anthropic(payload)


def fill(text: str, properties: dict[str, Any]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in properties or not isinstance(properties[name], str | int | float):
            raise GatewayError(
                PROMPT_TEMPLATE_INVALID, f"The template needs the property {name!r}."
            )
        return str(properties[name])

    return VARIABLE.sub(value, text)


def build(spec: PolicySpec) -> PromptTemplates:
    return PromptTemplates(spec)
