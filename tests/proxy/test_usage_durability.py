"""Usage is never silently lost: a bounded buffer with counted drops, a spool at shutdown."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import orjson

from proxy.usage.event import UsageEvent, utc_now_iso
from proxy.usage.sink import BatchingSink
from tests.proxy.support import RedisRegistry, eventually, make_deployment, make_key, start_proxy
from tests.proxy.test_proxy_registry import call


def test_events_buffered_when_the_proxy_stops_during_an_outage_arrive_after_restart(
    redis_server, mock, proxy_logs, tmp_path: Path
):
    spool = tmp_path / "spool"
    registry = RedisRegistry(redis_server.url)
    deployment = make_deployment(mock.url)
    registry.put_deployment(deployment)
    key, snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"})
    registry.put_key(snapshot)
    proxy = start_proxy(proxy_logs, REDIS_URL=redis_server.url, PROXY_USAGE_SPOOL_DIR=str(spool))
    try:
        assert call(proxy, deployment, key).status_code == 200
        redis_server.stop()
        during = [call(proxy, deployment, key) for _ in range(30)]
        assert {response.status_code for response in during} == {200}  # served from cache
    finally:
        proxy.stop()  # before Redis returns: the 30 events are only in the process
    assert "usage_spooled" in proxy.log.read_text()
    assert list(spool.glob("*.jsonl"))

    redis_server.start()  # empty; the new proxy replays the spool into it
    registry = RedisRegistry(redis_server.url)
    restarted = start_proxy(
        proxy_logs, REDIS_URL=redis_server.url, PROXY_USAGE_SPOOL_DIR=str(spool)
    )
    try:
        wanted = {response.headers["x-request-id"] for response in during}

        def delivered() -> bool:
            return wanted <= {event["request_id"] for event in registry.usage_events()}

        eventually(delivered)
        assert not list(spool.iterdir())  # replayed, then removed
    finally:
        restarted.stop()


class FlakySink(BatchingSink):
    def __init__(self, limit: int, spool_dir: Path) -> None:
        super().__init__(batch_size=10, interval=60, buffer_limit=limit, spool_dir=spool_dir)
        self.up = False
        self.written: list[UsageEvent] = []

    async def write(self, batch: list[UsageEvent]) -> None:
        if not self.up:
            raise ConnectionError("sink down")
        self.written.extend(batch)


def event(number: int) -> UsageEvent:
    return UsageEvent(request_id=f"r{number}", ts=utc_now_iso(), status=200, total_latency_ms=1)


def test_a_full_buffer_drops_the_oldest_counts_them_and_logs_each_state_once(tmp_path, caplog):
    async def scenario() -> FlakySink:
        sink = FlakySink(limit=5, spool_dir=tmp_path)
        for number in range(12):
            sink.emit(event(number))
        await sink.flush()  # fails: still full
        sink.up = True
        await sink.flush()
        return sink

    with caplog.at_level(logging.INFO, logger="proxy.usage"):
        sink = asyncio.run(scenario())
    assert sink.dropped == 7
    assert [e.request_id for e in sink.written] == ["r7", "r8", "r9", "r10", "r11"]
    events = [record.event for record in caplog.records]  # type: ignore[attr-defined]
    assert events.count("usage_buffer_full") == 1
    assert events.count("usage_sink_failing") == 1
    recovered = [r for r in caplog.records if r.event == "usage_buffer_recovered"]  # type: ignore[attr-defined]
    assert [r.dropped for r in recovered] == [7]  # type: ignore[attr-defined]


def test_the_spool_is_replayed_first_and_removed_once_written(tmp_path):
    async def stop_while_down() -> None:
        sink = FlakySink(limit=100, spool_dir=tmp_path)
        await sink.start()
        for number in range(3):
            sink.emit(event(number))
        await sink.close()

    async def restart_when_up() -> FlakySink:
        sink = FlakySink(limit=100, spool_dir=tmp_path)
        sink.up = True
        await sink.start()
        sink.emit(event(99))
        await sink.close()
        return sink

    asyncio.run(stop_while_down())
    (saved,) = tmp_path.glob("*.jsonl")
    assert [orjson.loads(line)["request_id"] for line in saved.read_bytes().splitlines()] == [
        "r0",
        "r1",
        "r2",
    ]
    sink = asyncio.run(restart_when_up())
    assert [e.request_id for e in sink.written] == ["r0", "r1", "r2", "r99"]
    assert list(tmp_path.iterdir()) == []
