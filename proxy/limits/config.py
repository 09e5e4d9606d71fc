"""The limiter's settings, from environment variables (docs/limits.md lists them)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from proxy.contract import DEFAULT_REDIS_PREFIX, RedisNames
from proxy.env import Env


@dataclass(frozen=True, slots=True)
class LimiterConfig:
    expected_replicas: int = 1  # divides each limit while Redis is down
    default_max_tokens: int = 256  # completion tokens reserved when a call sets no max_tokens
    lease_min_limit: int = 1000  # request limits below this never lease: exact per call
    lease_min_token_limit: int = 100_000  # token limits below this never lease
    lease_cap_divisor: int = 16  # a lease is at most limit / (replicas * this)
    lease_horizon_seconds: float = 0.25  # a busy process leases about this much of its traffic
    retry_seconds: float = 1.0  # how often a degraded limiter probes Redis
    redis_timeout_seconds: float = 0.5  # one counters round trip, before falling back
    key_prefix: str = "tg:rl"
    exact_token_counts: bool = True  # False: bytes/3 estimates, no vocabulary in memory

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> LimiterConfig:
        env = Env(os.environ if environ is None else environ)
        return cls(
            expected_replicas=max(1, env.int("TOLLGATE_EXPECTED_REPLICAS", 1)),
            default_max_tokens=max(0, env.int("TOLLGATE_DEFAULT_MAX_TOKENS", 256)),
            lease_min_limit=env.int("TOLLGATE_LEASE_MIN_LIMIT", 1000),
            lease_min_token_limit=env.int("TOLLGATE_LEASE_MIN_TOKEN_LIMIT", 100_000),
            lease_cap_divisor=max(1, env.int("TOLLGATE_LEASE_CAP_DIVISOR", 16)),
            lease_horizon_seconds=env.float("TOLLGATE_LEASE_HORIZON_SECONDS", 0.25),
            retry_seconds=env.float("TOLLGATE_LIMITS_RETRY_SECONDS", 1.0),
            redis_timeout_seconds=env.float("TOLLGATE_LIMITS_REDIS_TIMEOUT", 0.5),
            key_prefix=env.str("TOLLGATE_LIMITS_KEY_PREFIX", _installation_counters(env)),
            exact_token_counts=_exact_token_counts(env.str("TOLLGATE_TOKEN_ESTIMATE", "exact")),
        )


def _exact_token_counts(value: str) -> bool:
    if value not in ("exact", "bytes"):
        raise ValueError(f"TOLLGATE_TOKEN_ESTIMATE must be exact or bytes, not {value!r}")
    return value == "exact"


def _installation_counters(env: Env) -> str:
    return RedisNames(env.str("TOLLGATE_REDIS_PREFIX", DEFAULT_REDIS_PREFIX)).counters
