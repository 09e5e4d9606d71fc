"""A limiter plugged in through PROXY_LIMITER, to test the seam: refuses model `limit-me`,
fails on model `explode`, and tags admitted calls with the call's token estimate."""

from __future__ import annotations

from proxy.errors import RATE_LIMIT_EXCEEDED, GatewayError
from proxy.policy_hooks import AdmissionRequest, NoLimits, NothingReserved, Reservation


class ModelLimiter(NoLimits):
    async def admit(self, request: AdmissionRequest) -> Reservation:
        if request.model == "explode":
            raise RuntimeError("a limiter bug")
        if request.model == "limit-me":
            raise GatewayError(RATE_LIMIT_EXCEEDED, headers=[(b"retry-after", b"7")])
        estimate = request.estimate()
        total = str(estimate.prompt + (estimate.completion or 0) if estimate else 0).encode()
        return NothingReserved(headers=[(b"x-test-estimated-tokens", total)])
