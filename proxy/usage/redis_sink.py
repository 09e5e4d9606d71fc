"""Usage events to the Redis stream `tg:usage` (`XADD tg:usage * e <json>`), pipelined; `tg` is
the installation's TOLLGATE_REDIS_PREFIX."""

from __future__ import annotations

from proxy.config import ProxyConfig
from proxy.registry.redis_store import open_redis
from proxy.usage.event import UsageEvent
from proxy.usage.sink import BatchingSink


class RedisUsageSink(BatchingSink):
    def __init__(self, config: ProxyConfig) -> None:
        super().__init__(
            config.usage_batch_size,
            config.usage_flush_interval,
            config.usage_buffer_limit,
            config.usage_spool_dir,
        )
        self._redis = open_redis(config.redis_url, max_connections=4)
        self._stream = config.redis_names.usage_stream

    async def write(self, batch: list[UsageEvent]) -> None:
        async with self._redis.pipeline(transaction=False) as pipe:
            for event in batch:
                pipe.xadd(self._stream, {"e": event.to_json()})
            await pipe.execute()

    async def close(self) -> None:
        await super().close()
        await self._redis.aclose()
