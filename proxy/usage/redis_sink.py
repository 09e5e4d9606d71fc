"""Usage events to the Redis stream `tg:usage`, one entry per event (`XADD tg:usage * e <json>`);
`tg` is the installation's TOLLGATE_REDIS_PREFIX.

A batch is one EVALSHA of a script that adds each event as its own entry, given the events as
one argument of JSON lines (JSON text never holds a raw newline): one argument to pack and one
reply to parse per batch, not one command per event. The stream reads as one XADD per event.
"""

from __future__ import annotations

from proxy.config import ProxyConfig
from proxy.registry.redis_store import open_redis
from proxy.usage.event import UsageEvent
from proxy.usage.sink import BatchingSink

XADD_EACH_LINE = """
local added = 0
for line in string.gmatch(ARGV[1], '[^\\n]+') do
    redis.call('XADD', KEYS[1], '*', 'e', line)
    added = added + 1
end
return added
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
        self._xadd_each_line = self._redis.register_script(XADD_EACH_LINE)

    async def write(self, batch: list[UsageEvent]) -> None:
        lines = b"\n".join([event.to_json() for event in batch])
        await self._xadd_each_line(keys=[self._stream], args=[lines])

    async def close(self) -> None:
        await super().close()
        await self._redis.aclose()
