"""The Redis usage sink writes a batch in one script call and the stream holds one entry per
event, each as it was emitted, whatever its strings hold."""

from __future__ import annotations

import asyncio

import orjson

from proxy.config import ProxyConfig
from proxy.usage.event import UsageEvent, utc_now_iso
from proxy.usage.redis_sink import RedisUsageSink


def event(number: int, model: str = "gpt-4o-mini") -> UsageEvent:
    return UsageEvent(f"req-{number}", utc_now_iso(), 200, 1.5, model_requested=model)


def test_a_batch_becomes_one_stream_entry_per_event_in_order(fresh_redis, tmp_path):
    config = ProxyConfig.from_env(
        {
            "REDIS_URL": fresh_redis.url,
            "TOLLGATE_REDIS_PREFIX": fresh_redis.names.prefix,
            "TOLLGATE_DATA_DIR": str(tmp_path),
        }
    )
    odd = 'line one\nline two \u00e9\u4e2d \\n "quoted"'  # newlines and escapes inside a value
    emitted = [event(number) for number in range(1200)] + [event(1200, model=odd)]

    async def write_all() -> None:
        sink = RedisUsageSink(config)
        await sink.start()
        for item in emitted:
            sink.emit(item)
        await sink.close()  # flushes everything buffered

    asyncio.run(write_all())
    client = fresh_redis.client()
    entries = client.xrange(config.redis_names.usage_stream)
    stored = [orjson.loads(fields[b"e"]) for _, fields in entries]
    assert [item["request_id"] for item in stored] == [item.request_id for item in emitted]
    assert stored[-1]["model_requested"] == odd
    assert stored[0] == orjson.loads(emitted[0].to_json())
