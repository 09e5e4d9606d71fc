"""A limiter plugged in through PROXY_LIMITER, to test the seam: refuses model `limit-me`,
fails on model `explode`, and tags admitted calls with its estimate."""

from __future__ import annotations

from proxy.errors import RATE_LIMIT_EXCEEDED, GatewayError
from proxy.policy_hooks import Admission, CallIdentity, NoLimits, TokenEstimate


class ModelLimiter(NoLimits):
    async def admit(self, identity: CallIdentity, estimate: TokenEstimate) -> Admission:
        if identity.model == "explode":
            raise RuntimeError("a limiter bug")
        if identity.model == "limit-me":
            raise GatewayError(RATE_LIMIT_EXCEEDED, headers=[(b"retry-after", b"7")])
        total = str(estimate.total_tokens).encode()
        return Admission(headers=[(b"x-test-estimated-tokens", total)])
