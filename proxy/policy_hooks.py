"""The seam where rate limits and token quotas plug into the hot path.

The gateway calls `admit` after authentication and before forwarding, and settles the
returned `Reservation` once the call's usage is known (also after errors, with the usage seen
so far, so reservations are refunded). A limiter refuses a call by raising `GatewayError`
(429, with `retry-after` and `x-ratelimit-*` in `headers`); `Reservation.headers` go on every
admitted response. The vocabulary (CallIdentity, TokenEstimate, Usage) is the engine's own,
proxy/limits/model.py: one set of types from the gateway to the counters.

Which limiter runs is configuration: `PROXY_LIMITER=module:factory` (default:
`proxy.limiting:EngineLimiter`, the rate-limit engine; `proxy.policy_hooks:NoLimits` turns
limits off). The factory is called once per process with the ProxyConfig; `start`/`close` run
in lifespan.
"""

from __future__ import annotations

import importlib
from typing import Any, Protocol, cast

from proxy.config import ProxyConfig
from proxy.contract import DeploymentSnapshot, KeySnapshot, SubscriptionGrant
from proxy.limits.estimate import estimate_call
from proxy.limits.model import CallIdentity, TokenEstimate, Usage

Headers = list[tuple[bytes, bytes]]


class AdmissionRequest:
    """One call as a limiter sees it: who calls (`identity`) and what the call asks for.

    The token estimate runs the tokenizer, so it is computed on first use and kept: once per
    call at most, never for a call no token limit applies to.
    """

    __slots__ = (
        "identity",
        "request_id",
        "operation",
        "model",
        "payload",
        "_estimate",
        "_estimated",
    )

    def __init__(
        self,
        identity: CallIdentity,
        request_id: str,
        operation: str,
        model: str,
        payload: dict[str, Any] | None,
    ) -> None:
        self.identity = identity
        self.request_id = request_id
        self.operation = operation
        self.model = model
        self.payload = payload  # parsed request JSON, None when the body is not a JSON object
        self._estimate: TokenEstimate | None = None
        self._estimated = False

    def estimate(self) -> TokenEstimate | None:
        """Tokens the call may spend (None: a call without a JSON body spends none)."""
        if not self._estimated:
            self._estimate = estimate_call(self.payload, self.model, self.operation)
            self._estimated = True
        return self._estimate


class Reservation(Protocol):
    """What a limiter admitted; settled exactly once when the call is over."""

    @property
    def headers(self) -> Headers: ...

    @property
    def quota_exceeded(self) -> bool:  # over a soft quota but admitted (no stop-on-quota)
        ...

    async def settle(self, usage: Usage, status: int) -> None: ...


class Limiter(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...

    async def admit(self, request: AdmissionRequest) -> Reservation: ...


def skips_unlimited_calls(limiter: Limiter) -> bool:
    """Whether the limiter declares (`only_limited_calls = True`) that a call whose snapshots
    set no limit is always admitted with nothing reserved: the gateway then does not call it,
    nor build the call's identity, for such a call."""
    return getattr(limiter, "only_limited_calls", False) is True


def sets_limits(
    deployment: DeploymentSnapshot, key: KeySnapshot, grant: SubscriptionGrant | None
) -> bool:
    """Whether any level the engine checks (plan, application tier, API backend per key type)
    sets limits for this call: the same snapshot fields CallIdentity.from_snapshots reads."""
    return (
        (grant is not None and grant.limits is not None)
        or key.application_limits is not None
        or (bool(deployment.backend_limits) and key.key_type in deployment.backend_limits)
    )


class NothingReserved:
    """An admission without counters: its own headers, nothing to settle."""

    __slots__ = ("headers", "quota_exceeded")

    def __init__(self, headers: Headers | None = None) -> None:
        self.headers: Headers = headers or []
        self.quota_exceeded = False

    async def settle(self, usage: Usage, status: int) -> None:
        return None


NOTHING_RESERVED = NothingReserved()  # shared by every unlimited call: never mutated


class NoLimits:
    """Admit everything, add no headers (limits off)."""

    def __init__(self, config: ProxyConfig | None = None) -> None:
        self.config = config

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def admit(self, request: AdmissionRequest) -> Reservation:
        return NOTHING_RESERVED


def load_limiter(config: ProxyConfig) -> Limiter:
    module_name, _, attr = config.limiter.partition(":")
    factory = getattr(importlib.import_module(module_name), attr)
    return cast(Limiter, factory(config))
