"""Target pools: balancing, failover before the first byte, circuit breaking (docs/routing.md).

An API side with one endpoint never reaches this package; a side with a pool is served by
`Router.relay`, which picks targets (`strategies`), skips open circuits (`circuits`) and tries
the next target on a retryable failure while nothing has reached the caller (`failover`).
"""

from proxy.balancing.policy import RoutingPolicy
from proxy.balancing.pool import LivePool, LiveTarget, prepare_pools
from proxy.balancing.router import Router
from proxy.balancing.setup import open_router

__all__ = ["LivePool", "LiveTarget", "Router", "RoutingPolicy", "open_router", "prepare_pools"]
