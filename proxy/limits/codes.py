"""Stable error codes naming the limit a refused call hit (docs/limits.md lists them).

Clients branch on these codes, so they never change meaning. One code per level and
dimension, plus one for a reservation larger than a whole window's budget.
"""

from __future__ import annotations

from proxy.limits.model import Dimension, Level

_DIMENSION_SUFFIX = {
    Dimension.REQUESTS: "rate_limit_requests",
    Dimension.TOTAL_TOKENS: "quota_tokens",
    Dimension.PROMPT_TOKENS: "quota_prompt_tokens",
    Dimension.COMPLETION_TOKENS: "quota_completion_tokens",
}
_LEVEL_PREFIX = {Level.PLAN: "", Level.APPLICATION: "application_", Level.BACKEND: "backend_"}

# The request alone asks for more tokens than the limit allows in a whole window: waiting will
# not help; a smaller max_tokens or prompt will.
REQUEST_TOO_LARGE_FOR_QUOTA = "request_too_large_for_quota"

LIMIT_CODES: dict[tuple[Level, Dimension], str] = {
    (level, dimension): prefix + suffix
    for level, prefix in _LEVEL_PREFIX.items()
    for dimension, suffix in _DIMENSION_SUFFIX.items()
}
ALL_CODES: tuple[str, ...] = (*LIMIT_CODES.values(), REQUEST_TOO_LARGE_FOR_QUOTA)

_LEVEL_WORDS = {
    Level.PLAN: "the subscription plan's",
    Level.APPLICATION: "the application's",
    Level.BACKEND: "the API's backend",
}
_DIMENSION_WORDS = {
    Dimension.REQUESTS: "requests",
    Dimension.TOTAL_TOKENS: "tokens",
    Dimension.PROMPT_TOKENS: "prompt tokens",
    Dimension.COMPLETION_TOKENS: "completion tokens",
}


def code_for(level: Level, dimension: Dimension) -> str:
    return LIMIT_CODES[(level, dimension)]


def describe(level: Level, dimension: Dimension, limit: int, unit_seconds: int) -> str:
    """Human words for a limit, e.g. "the application's limit of 50 requests per 60s"."""
    return (
        f"{_LEVEL_WORDS[level]} limit of {limit} {_DIMENSION_WORDS[dimension]} per {unit_seconds}s"
    )
