"""Apply an API's gateway defaults to a call's JSON body, before the driver builds the upstream
request: the system prompt goes first, the caller's conversation next, the assistant prefill
last; a default parameter fills a gap, a non-overridable one replaces what the caller sent; a
`model` naming the API itself (its id, uuid or slug, as AIVAX callers do) means the API's
default model.

Two request shapes are understood, whatever the vendor behind them: OpenAI's (chat
completions, completions, embeddings — on unified APIs and on OpenAI, Azure OpenAI and Mistral
native APIs) and Anthropic's Messages (the Messages ingress, and Anthropic native APIs). Other
native formats are left as they are; the control plane refuses settings for such APIs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

from proxy.contract import DeploymentSnapshot
from proxy.errors import MISSING_MODEL, UPSTREAM_MISCONFIGURED, GatewayError
from proxy.ingress import ANTHROPIC, MESSAGES_PATH, NATIVE, OPENAI
from proxy.policies.gateway_defaults import (
    GatewayDefaults,
    ParameterDefault,
    parse_gateway_settings,
)
from proxy.providers.registry import native_shape

SAMPLING = {"temperature": "temperature", "top_p": "top_p", "max_tokens": "max_tokens"}


@dataclass(frozen=True, slots=True)
class Shape:
    fields: dict[str, str]  # parameter -> the payload field that carries it
    conversation: str = ""  # "openai" | "anthropic": where the prompt and prefill go


OPENAI_CHAT = Shape({"model": "model", **SAMPLING, "stop": "stop"}, "openai")
OPENAI_COMPLETIONS = Shape({"model": "model", **SAMPLING, "stop": "stop"})
OPENAI_EMBEDDINGS = Shape({"model": "model"})
ANTHROPIC_MESSAGES = Shape({"model": "model", **SAMPLING, "stop": "stop_sequences"}, "anthropic")
OPENAI_OPERATIONS = {
    "/chat/completions": OPENAI_CHAT,
    "/completions": OPENAI_COMPLETIONS,
    "/embeddings": OPENAI_EMBEDDINGS,
}


def shape_of(ingress: str, driver: str, operation: str) -> Shape | None:
    operation = operation.rstrip("/")
    native = native_shape(driver)
    if ingress == ANTHROPIC or (native == ANTHROPIC and operation == MESSAGES_PATH):
        return ANTHROPIC_MESSAGES
    if ingress != NATIVE or native == OPENAI:
        return OPENAI_OPERATIONS.get(operation)
    return None


def shapes_understood(api_type: str, driver: str) -> bool:
    """Whether calls to such an API reach a shape the defaults can be applied to."""
    return api_type == "unified" or native_shape(driver) in (OPENAI, ANTHROPIC)


class GatewayPolicy:
    """One deployment's defaults, compiled once per snapshot."""

    __slots__ = ("defaults", "aliases", "driver", "problem")

    def __init__(
        self,
        defaults: GatewayDefaults,
        aliases: frozenset[str],
        driver: str,
        problem: GatewayError | None = None,
    ) -> None:
        self.defaults = defaults
        self.aliases = aliases
        self.driver = driver
        self.problem = problem

    def apply(self, ingress: str, operation: str, payload: dict[str, Any]) -> dict[str, Any]:
        if self.problem is not None:
            raise self.problem.with_traceback(None)  # shared: do not let its traceback grow
        shape = shape_of(ingress, self.driver, operation)
        if shape is None:
            return payload
        payload = dict(payload)
        self._apply_model(payload)
        for name, default in self.defaults.parameters():
            if name != "model" and name in shape.fields:
                _apply_parameter(payload, shape, name, default)
        if shape.conversation:
            _apply_conversation(payload, self.defaults, shape.conversation)
        return payload

    def _apply_model(self, payload: dict[str, Any]) -> None:
        requested = payload.get("model")
        addressed_api = isinstance(requested, str) and requested in self.aliases
        if addressed_api:
            del payload["model"]
        default = self.defaults.model
        if default is not None and (not default.overridable or not payload.get("model")):
            payload["model"] = default.value
        elif addressed_api:
            raise GatewayError(
                MISSING_MODEL,
                "This API has no default model, so 'model' must name one.",
                param="model",
            )


def compile_policy(snapshot: DeploymentSnapshot) -> GatewayPolicy | None:
    """None when the API sets no defaults (the hot path then skips this step entirely)."""
    if not snapshot.gateway_settings:
        return None
    defaults, errors = parse_gateway_settings(snapshot.gateway_settings)
    driver = snapshot.vendor.driver
    if errors:
        problem = GatewayError(UPSTREAM_MISCONFIGURED, "This API's gateway settings are invalid.")
        return GatewayPolicy(GatewayDefaults(), frozenset(), driver, problem)
    if defaults.is_empty:
        return None
    return GatewayPolicy(defaults, api_aliases(snapshot), driver)


def api_aliases(snapshot: DeploymentSnapshot) -> frozenset[str]:
    """The names a caller may put in `model` to mean "this API": id, uuid and slug."""
    aliases = {str(snapshot.api_id), snapshot.api_uuid, slug_of(snapshot.api_name)}
    return frozenset(alias for alias in aliases if alias)


def slug_of(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def apply_gateway_defaults(
    policy: GatewayPolicy | None,
    ingress: str,
    operation: str,
    payload: dict[str, Any] | None,
    body: bytes,
) -> tuple[dict[str, Any] | None, bytes]:
    """The payload and body the driver should see."""
    if policy is None or payload is None:
        return payload, body
    applied = policy.apply(ingress, operation, payload)
    if applied is payload:
        return payload, body
    return applied, orjson.dumps(applied)


def _apply_parameter(
    payload: dict[str, Any], shape: Shape, name: str, default: ParameterDefault
) -> None:
    field = shape.fields[name]
    spellings = [field]
    if shape is OPENAI_CHAT and name == "max_tokens":
        spellings = ["max_completion_tokens", field]  # OpenAI's newer name first
    sent = [spelling for spelling in spellings if payload.get(spelling) is not None]
    if sent and default.overridable:
        return
    for spelling in sent:
        del payload[spelling]
    payload[sent[0] if sent else field] = default.value


def _apply_conversation(payload: dict[str, Any], defaults: GatewayDefaults, shape: str) -> None:
    messages = payload.get("messages")
    if not isinstance(messages, list):
        return  # the driver reports the malformed request
    messages = list(messages)
    if defaults.system_prompt and shape == "openai":
        messages.insert(0, {"role": "system", "content": defaults.system_prompt})
    elif defaults.system_prompt:
        payload["system"] = _with_system_prompt(defaults.system_prompt, payload.get("system"))
    last = messages[-1] if messages else None
    ends_with_assistant = isinstance(last, dict) and last.get("role") == "assistant"
    if defaults.assistant_prefill and not ends_with_assistant:  # a caller's own prefill wins
        messages.append({"role": "assistant", "content": defaults.assistant_prefill})
    payload["messages"] = messages


def _with_system_prompt(prompt: str, system: Any) -> Any:
    """Anthropic's `system`: ours first, then the caller's (text or text blocks)."""
    if isinstance(system, list) and system:
        return [{"type": "text", "text": prompt}, *system]
    if isinstance(system, str) and system:
        return f"{prompt}\n\n{system}"
    return prompt
