"""The seam where rate limits and token quotas plug into the hot path.

The gateway calls `admit` after authentication and before forwarding, and `settle` once the
call's usage is known (also after errors, with the usage seen so far, so reservations are
refunded). A limiter refuses a call by raising `GatewayError` (429, with `retry-after` and
`x-ratelimit-*` in `headers`); `Admission.headers` go on every admitted response.

Which limiter runs is configuration: `PROXY_LIMITER=module:factory` (default:
`proxy.limiting:EngineLimiter`, the rate-limit engine; `proxy.policy_hooks:NoLimits` turns
limits off). The factory is called once per process with the ProxyConfig; `start`/`close` run
in lifespan.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from proxy.config import ProxyConfig
from proxy.contract import DeploymentSnapshot, KeySnapshot, SubscriptionGrant
from proxy.providers.base import Usage

Headers = list[tuple[bytes, bytes]]


@dataclass(frozen=True, slots=True)
class CallIdentity:
    """Who calls what: everything a limit is keyed by."""

    request_id: str
    deployment: DeploymentSnapshot
    key: KeySnapshot
    grant: SubscriptionGrant | None  # None for PROTOTYPED APIs (no subscription)
    operation: str
    model: str
    payload: dict[str, Any] | None  # parsed request JSON, for a better token estimate

    @property
    def key_type(self) -> str:
        return self.key.key_type


@dataclass(frozen=True, slots=True)
class TokenEstimate:
    """A cheap upper-bound guess; a limiter may compute its own from `identity.payload`."""

    prompt_tokens: int
    completion_tokens: int  # the requested max_tokens, or 0 when the caller set none

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(slots=True)
class Admission:
    headers: Headers = field(default_factory=list)
    quota_exceeded: bool = False  # over quota but allowed (plan without stop-on-quota)
    ticket: Any = None  # the limiter's own reservation state, handed back to settle


class Limiter(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def admit(self, identity: CallIdentity, estimate: TokenEstimate) -> Admission: ...

    async def settle(
        self, identity: CallIdentity, admission: Admission, usage: Usage, status: int
    ) -> None: ...


class NoLimits:
    """Admit everything, add no headers (limits off)."""

    def __init__(self, config: ProxyConfig | None = None) -> None:
        self._admission = Admission()

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def admit(self, identity: CallIdentity, estimate: TokenEstimate) -> Admission:
        return self._admission

    async def settle(
        self, identity: CallIdentity, admission: Admission, usage: Usage, status: int
    ) -> None:
        return None


def estimate_tokens(payload: dict[str, Any] | None, body_size: int) -> TokenEstimate:
    """~4 bytes per token of request body, plus the completion budget the caller asked for."""
    completion = 0
    if payload is not None:
        for name in ("max_completion_tokens", "max_tokens"):
            value = payload.get(name)
            if isinstance(value, int) and value > 0:
                completion = value
                break
    return TokenEstimate(prompt_tokens=body_size // 4 + 1, completion_tokens=completion)


def load_limiter(config: ProxyConfig) -> Limiter:
    module_name, _, attr = config.limiter.partition(":")
    factory = getattr(importlib.import_module(module_name), attr)
    return factory(config)
