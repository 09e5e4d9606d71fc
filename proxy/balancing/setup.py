"""The process's router: circuits in Redis when the proxy has one, in memory otherwise."""

from __future__ import annotations

from proxy.balancing.circuits import LocalCircuits
from proxy.balancing.router import Router
from proxy.config import ProxyConfig
from proxy.forward import Forwarder


def open_router(config: ProxyConfig, forwarder: Forwarder) -> Router:
    if config.embedded:
        return Router(forwarder, LocalCircuits())
    from proxy.balancing.redis_circuits import RedisCircuits
    from proxy.limiting import open_counters_redis

    redis = open_counters_redis(config.redis_url, timeout=1.0)
    return Router(forwarder, RedisCircuits(redis, config.redis_names))
