"""What the control plane (core, publisher, devportal) may use of the proxy: this module only.

Everything else under `proxy/` is the data plane's own and may change without notice; an
import-linter contract (pyproject.toml) fails `make lint` when the control plane imports
anything of the proxy but this module. To share something new, name it in EXPORTS and in the
TYPE_CHECKING imports below (a test checks the two agree), and keep it free of Django and of
the proxy's per-call state.

Names load on first use, so `core.settings` (which reads the env parser and the log
formatter from here) does not pay for Redis or the tokenizer at every `manage.py` start.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

EXPORTS: dict[str, str] = {
    # the snapshot contract both planes read and write
    "contract": "proxy",
    "DEFAULT_REDIS_PREFIX": "proxy.contract",
    "DEPLOYMENT": "proxy.contract",
    "KEY": "proxy.contract",
    "KNOWLEDGE": "proxy.contract",
    "RedisNames": "proxy.contract",
    # provider-key encryption and API-key digests
    "KeyRing": "proxy.crypto",
    "key_digest": "proxy.crypto",
    # the SSRF rule for upstream URLs
    "UnsafeUpstream": "proxy.netguard",
    "check_url": "proxy.netguard",
    # limit rules: which counters a call spends and their windows, as the proxy computes them
    "CallIdentity": "proxy.limits",
    "Counter": "proxy.limits",
    "LimiterConfig": "proxy.limits",
    "counters_for": "proxy.limits.rules",
    "window_start": "proxy.limits.store",
    # where a custom vendor's token counts are found
    "validate_usage_paths": "proxy.providers.common.usage_paths",
    # the publisher Test console's proof beside its internal key
    "console_proof": "proxy.console",
    "CONSOLE_PROOF_HEADER": "proxy.console",
    "CONSOLE_STATES": "proxy.console",
    # the built-in vendors as the catalog shows them, from the vendor registry
    "CatalogEntry": "proxy.providers.registry",
    "builtin_catalog": "proxy.providers.registry",
    "openai_style_definition": "proxy.providers.openai.catalog",
    # the operations an API answers in OpenAI's shape whatever its vendor
    "unified_operations": "proxy.ingress",
    # gateway defaults (system prompt, parameters) as the proxy parses and applies them
    "PARAMETERS": "proxy.policies.gateway_defaults",
    "parse_gateway_settings": "proxy.policies.gateway_defaults",
    "shapes_understood": "proxy.policies.apply_defaults",
    "slug_of": "proxy.policies.apply_defaults",
    # an API's routing settings (target pools) as the proxy reads them
    "RoutingPolicy": "proxy.balancing.policy",
    # AI policies: their types and the one validating reader
    "POLICY_KINDS": "proxy.policies.kinds",
    "parse_policy": "proxy.policies.spec",
    "parse_policies": "proxy.policies.spec",
    # what each lifecycle state allows (routes, listed, subscriptions)
    "lifecycle": "proxy",
    # the env parser, the JSON log formatter, headers that never cross a hop
    "Env": "proxy.env",
    "JsonFormatter": "proxy.jsonlog",
    "logging_config": "proxy.jsonlog",
    "DROPPED_RESPONSE_HEADERS": "proxy.headers",
    # what a production process refuses to start with (web, worker and proxy alike)
    "DEV_SECRET_KEY": "proxy.production",
    "GENERATE_FERNET": "proxy.production",
    "GENERATE_SECRET": "proxy.production",
    "MIN_SECRET_LENGTH": "proxy.production",
    "fernet_key_problems": "proxy.production",
    "refusals": "proxy.production",
    # the offline embedding model (knowledge, semantic policies); knowledge indexes and settings
    "embeddings": "proxy",
    "KnowledgeIndex": "proxy.knowledge.index",
    "Passage": "proxy.knowledge.index",
    "index_key": "proxy.knowledge.settings",
    "parse_knowledge": "proxy.knowledge.settings",
    "KnowledgeSettings": "proxy.knowledge.settings",
    "STRATEGIES": "proxy.knowledge.settings",
    "DEFAULT_TEMPLATE": "proxy.knowledge.settings",
    # budget periods as the proxy counts them
    "period_bounds": "proxy.costs.periods",
}
__all__ = sorted(EXPORTS)

if TYPE_CHECKING:  # the same names, for the type checker (`X as X`: re-exported on purpose)
    from proxy import contract as contract
    from proxy import embeddings as embeddings
    from proxy import lifecycle as lifecycle
    from proxy.balancing.policy import RoutingPolicy as RoutingPolicy
    from proxy.console import CONSOLE_PROOF_HEADER as CONSOLE_PROOF_HEADER
    from proxy.console import CONSOLE_STATES as CONSOLE_STATES
    from proxy.console import console_proof as console_proof
    from proxy.contract import DEFAULT_REDIS_PREFIX as DEFAULT_REDIS_PREFIX
    from proxy.contract import DEPLOYMENT as DEPLOYMENT
    from proxy.contract import KEY as KEY
    from proxy.contract import KNOWLEDGE as KNOWLEDGE
    from proxy.contract import RedisNames as RedisNames
    from proxy.costs.periods import period_bounds as period_bounds
    from proxy.crypto import KeyRing as KeyRing
    from proxy.crypto import key_digest as key_digest
    from proxy.env import Env as Env
    from proxy.headers import DROPPED_RESPONSE_HEADERS as DROPPED_RESPONSE_HEADERS
    from proxy.ingress import unified_operations as unified_operations
    from proxy.jsonlog import JsonFormatter as JsonFormatter
    from proxy.jsonlog import logging_config as logging_config
    from proxy.knowledge.index import KnowledgeIndex as KnowledgeIndex
    from proxy.knowledge.index import Passage as Passage
    from proxy.knowledge.settings import DEFAULT_TEMPLATE as DEFAULT_TEMPLATE
    from proxy.knowledge.settings import STRATEGIES as STRATEGIES
    from proxy.knowledge.settings import KnowledgeSettings as KnowledgeSettings
    from proxy.knowledge.settings import index_key as index_key
    from proxy.knowledge.settings import parse_knowledge as parse_knowledge
    from proxy.limits import CallIdentity as CallIdentity
    from proxy.limits import Counter as Counter
    from proxy.limits import LimiterConfig as LimiterConfig
    from proxy.limits.rules import counters_for as counters_for
    from proxy.limits.store import window_start as window_start
    from proxy.netguard import UnsafeUpstream as UnsafeUpstream
    from proxy.netguard import check_url as check_url
    from proxy.policies.apply_defaults import shapes_understood as shapes_understood
    from proxy.policies.apply_defaults import slug_of as slug_of
    from proxy.policies.gateway_defaults import PARAMETERS as PARAMETERS
    from proxy.policies.gateway_defaults import parse_gateway_settings as parse_gateway_settings
    from proxy.policies.kinds import POLICY_KINDS as POLICY_KINDS
    from proxy.policies.spec import parse_policies as parse_policies
    from proxy.policies.spec import parse_policy as parse_policy
    from proxy.production import DEV_SECRET_KEY as DEV_SECRET_KEY
    from proxy.production import GENERATE_FERNET as GENERATE_FERNET
    from proxy.production import GENERATE_SECRET as GENERATE_SECRET
    from proxy.production import MIN_SECRET_LENGTH as MIN_SECRET_LENGTH
    from proxy.production import fernet_key_problems as fernet_key_problems
    from proxy.production import refusals as refusals
    from proxy.providers.common.usage_paths import validate_usage_paths as validate_usage_paths
    from proxy.providers.openai.catalog import openai_style_definition as openai_style_definition
    from proxy.providers.registry import CatalogEntry as CatalogEntry
    from proxy.providers.registry import builtin_catalog as builtin_catalog


def __getattr__(name: str) -> Any:
    module = EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"proxy.public has no {name!r}; the control plane may use {__all__}")
    owner = importlib.import_module(module)
    value = (
        getattr(owner, name)
        if hasattr(owner, name)
        else importlib.import_module(f"{module}.{name}")
    )
    globals()[name] = value  # later lookups skip this function
    return value
