"""Rate limits and token quotas, exact across every proxy process (docs/limits.md).

No Django here: the proxy builds a Limiter in its lifespan and calls admit/settle per call.
"""

from proxy.limits.codes import ALL_CODES, REQUEST_TOO_LARGE_FOR_QUOTA, code_for
from proxy.limits.config import LimiterConfig
from proxy.limits.decision import UNLIMITED, Decision, openai_duration
from proxy.limits.estimate import (
    BpeEstimator,
    ByteEstimator,
    Estimator,
    encoding_for,
    estimate_request,
    estimator_for,
    estimator_loaded,
)
from proxy.limits.limiter import Limiter
from proxy.limits.model import CallIdentity, Counter, Dimension, Level, TokenEstimate, Usage

__all__ = [
    "ALL_CODES",
    "REQUEST_TOO_LARGE_FOR_QUOTA",
    "UNLIMITED",
    "BpeEstimator",
    "ByteEstimator",
    "CallIdentity",
    "Counter",
    "Decision",
    "Dimension",
    "Estimator",
    "Level",
    "Limiter",
    "LimiterConfig",
    "TokenEstimate",
    "Usage",
    "code_for",
    "estimate_request",
    "encoding_for",
    "estimator_for",
    "estimator_loaded",
    "openai_duration",
]
