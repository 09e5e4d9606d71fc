"""Batching shared by the sinks: `emit` only appends; one background task writes batches."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from proxy.usage.event import UsageEvent

log = logging.getLogger("proxy.usage")


class BatchingSink:
    """Subclasses implement `write(batch)`; a failed batch is put back and retried."""

    def __init__(self, batch_size: int, interval: float, buffer_limit: int) -> None:
        self._pending: list[UsageEvent] = []
        self._batch_size = batch_size
        self._interval = interval
        self._buffer_limit = buffer_limit
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._failing = False

    def emit(self, event: UsageEvent) -> None:
        pending = self._pending
        if len(pending) >= self._buffer_limit:
            dropped = pending.pop(0)
            log.error(
                "usage buffer full; dropped the oldest event",
                extra={"event": "usage_buffer_full", "dropped_request_id": dropped.request_id},
            )
        pending.append(event)
        if len(pending) >= self._batch_size:
            self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=type(self).__name__)

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.flush()

    async def write(self, batch: list[UsageEvent]) -> None:
        raise NotImplementedError

    async def flush(self) -> None:
        while self._pending:
            batch = self._pending[: self._batch_size]
            del self._pending[: self._batch_size]
            try:
                await self.write(batch)
            except Exception as exc:
                self._pending[:0] = batch
                if not self._failing:
                    log.warning(
                        "usage sink failing; keeping events to retry",
                        extra={"event": "usage_sink_failing", "error": type(exc).__name__},
                    )
                self._failing = True
                return
            if self._failing:
                log.info("usage sink recovered", extra={"event": "usage_sink_recovered"})
            self._failing = False

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
            self._wake.clear()
            await self.flush()
