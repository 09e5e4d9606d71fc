"""Usage events to the Redis stream `tg:usage`, one entry per event (`XADD tg:usage * e <json>`);
`tg` is the installation's TOLLGATE_REDIS_PREFIX.

A batch is one EVALSHA of a script that adds each event as its own entry: one command to pack
and one reply to parse per batch, not one per event. The stream reads exactly as before.
"""

from __future__ import annotations

from proxy.config import ProxyConfig
from proxy.registry.redis_store import open_redis
from proxy.usage.event import UsageEvent
from proxy.usage.sink import BatchingSink

XADD_EACH = """
for i = 1, #ARGV do
    redis.call('XADD', KEYS[1], '*', 'e', ARGV[i])
end
return #ARGV
"""


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
        self._xadd_each = self._redis.register_script(XADD_EACH)

    async def write(self, batch: list[UsageEvent]) -> None:
        await self._xadd_each(keys=[self._stream], args=[event.to_json() for event in batch])

    async def close(self) -> None:
        await super().close()
        await self._redis.aclose()
