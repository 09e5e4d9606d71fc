"""The usage seam: every call emits one event; a sink batches them to Redis or the database."""

from __future__ import annotations

from typing import Protocol

from proxy.config import ProxyConfig
from proxy.usage.event import UsageEvent, utc_now_iso

__all__ = ["UsageEvent", "UsageSink", "open_sink", "utc_now_iso"]


class UsageSink(Protocol):
    dropped: int  # events dropped because the buffer was full, since start

    @property
    def buffered(self) -> int: ...

    def emit(self, event: UsageEvent) -> None: ...

    async def start(self) -> None: ...

    async def close(self) -> None: ...


def open_sink(config: ProxyConfig) -> UsageSink:
    if config.embedded:
        from proxy.usage.db_sink import DatabaseUsageSink

        return DatabaseUsageSink(config)
    from proxy.usage.redis_sink import RedisUsageSink

    return RedisUsageSink(config)
