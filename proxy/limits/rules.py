"""Turn a call's identity into the counters it must pass, and a token estimate into amounts."""

from __future__ import annotations

from functools import lru_cache

from proxy.contract import Limits
from proxy.limits.model import CallIdentity, Counter, Dimension, Level, TokenEstimate

_DIMENSION_FIELDS = (
    (Dimension.REQUESTS, "requests"),
    (Dimension.TOTAL_TOKENS, "total_tokens"),
    (Dimension.PROMPT_TOKENS, "prompt_tokens"),
    (Dimension.COMPLETION_TOKENS, "completion_tokens"),
)


def _scopes(identity: CallIdentity) -> tuple[tuple[Level, str, Limits | None], ...]:
    tenant = identity.tenant_id
    plan_scope = f"{tenant}:plan:{identity.subscription_id}:{identity.api_id}"
    return (
        (Level.PLAN, plan_scope, identity.plan_limits),
        (Level.APPLICATION, f"{tenant}:app:{identity.application_id}", identity.application_limits),
        (
            Level.BACKEND,
            f"{tenant}:api:{identity.api_id}:{identity.key_type}",
            identity.backend_limits,
        ),
    )


@lru_cache(maxsize=65_536)
def counters_for(identity: CallIdentity) -> tuple[Counter, ...]:
    """The counters of every level that sets a limit; cached, since identities repeat."""
    counters: list[Counter] = []
    for level, scope, limits in _scopes(identity):
        if limits is None:
            continue
        hard = limits.stop_on_quota or level is not Level.PLAN
        unit = max(1, int(limits.unit_seconds))
        for dimension, field_name in _DIMENSION_FIELDS:
            limit = getattr(limits, field_name)
            if limit is None:
                continue
            key = f"{scope}:{dimension.value}:{unit}"
            counters.append(Counter(key, level, dimension, max(0, int(limit)), unit, hard))
    return tuple(counters)


def amount_for(dimension: Dimension, prompt: int, completion: int) -> int:
    if dimension is Dimension.REQUESTS:
        return 1
    if dimension is Dimension.PROMPT_TOKENS:
        return prompt
    if dimension is Dimension.COMPLETION_TOKENS:
        return completion
    return prompt + completion


def reservation(estimate: TokenEstimate | None, default_completion: int) -> tuple[int, int]:
    """(prompt, completion) tokens to reserve before the call."""
    if estimate is None:
        return 0, 0
    completion = default_completion if estimate.completion is None else estimate.completion
    return max(0, estimate.prompt), max(0, completion)
