"""The policy types, by name: each is one module with `validate(params) -> field errors`,
`build(spec) -> policy` and optionally `flows(params)` (the flows it may run on; default
both). Modules load on first use, so an installation without policies imports none."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from proxy.policies.base import FLOWS

POLICY_KINDS: dict[str, str] = {
    "regex_guard": "proxy.policies.regex_guard",
    "word_count_guard": "proxy.policies.word_count_guard",
    "sentence_count_guard": "proxy.policies.sentence_count_guard",
    "content_length_guard": "proxy.policies.content_length_guard",
    "json_schema_guard": "proxy.policies.json_schema_guard",
    "url_guard": "proxy.policies.url_guard",
    "pii": "proxy.policies.pii",
    "semantic_guard": "proxy.policies.semantic_guard",
    "prompt_template": "proxy.policies.prompt_template",
    "prompt_decorator": "proxy.policies.prompt_decorator",
}


KINDS = POLICY_KINDS


def module_of(kind: str) -> ModuleType:
    return importlib.import_module(KINDS[kind])


def flows_of(kind: str, params: dict[str, Any]) -> tuple[str, ...]:
    module = module_of(kind)
    flows = getattr(module, "flows", None)
    return tuple(flows(params)) if flows else FLOWS
