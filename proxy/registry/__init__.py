"""The registry seam: an in-process cache in front of Redis or the embedded table."""

from __future__ import annotations

from typing import Protocol

from proxy.config import ProxyConfig
from proxy.registry.cache import Registry
from proxy.registry.live import LiveDeployment

__all__ = ["LiveDeployment", "Registry", "RegistryStore", "open_store"]


class RegistryStore(Protocol):
    async def start(self) -> None: ...

    async def close(self) -> None: ...


def open_store(config: ProxyConfig, registry: Registry) -> RegistryStore:
    if config.embedded:
        from proxy.registry.embedded_store import EmbeddedRegistryStore

        return EmbeddedRegistryStore(config, registry)
    from proxy.registry.redis_store import RedisRegistryStore

    return RedisRegistryStore(config.redis_url, config.redis_names, registry)
