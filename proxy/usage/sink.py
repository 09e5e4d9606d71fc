"""Batching shared by the sinks: `emit` only appends; one background task writes batches.

The buffer is bounded (PROXY_USAGE_BUFFER_LIMIT): once full, the oldest event is dropped and
counted. Events still buffered at shutdown (the sink down, or slower than the shutdown) go to
the spool on local disk, and the next start replays them first. Logs say when the sink starts
failing and recovers, when the buffer fills and has room again (with the count dropped), and
what was spooled or replayed: one line per state change, never one per event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from pathlib import Path

from proxy.usage.event import UsageEvent
from proxy.usage.spool import Spool

log = logging.getLogger("proxy.usage")
CLOSE_TIMEOUT = 5.0  # seconds the last flush may take before the rest is spooled


class BatchingSink:
    """Subclasses implement `write(batch)`; a failed batch is put back and retried."""

    def __init__(
        self, batch_size: int, interval: float, buffer_limit: int, spool_dir: Path | None = None
    ) -> None:
        self._pending: deque[UsageEvent] = deque()
        self._batch_size = batch_size
        self._interval = interval
        self._buffer_limit = buffer_limit
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._failing = False
        self.dropped = 0  # events dropped because the buffer was full, since start
        self._dropping_since = 0  # `dropped` when the buffer last became full
        self._dropping = False
        self._spool = Spool(spool_dir) if spool_dir is not None else None
        self._claimed: list[Path] = []
        self._replay_left = 0

    def emit(self, event: UsageEvent) -> None:
        pending = self._pending
        if len(pending) >= self._buffer_limit:
            pending.popleft()
            self._count_drop()
        pending.append(event)
        if len(pending) >= self._batch_size:
            self._wake.set()

    @property
    def buffered(self) -> int:
        return len(self._pending)

    async def start(self) -> None:
        self._replay()
        self._task = asyncio.create_task(self._run(), name=type(self).__name__)

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.flush(), CLOSE_TIMEOUT)
        self._spool_rest()

    async def write(self, batch: list[UsageEvent]) -> None:
        raise NotImplementedError

    async def flush(self) -> None:
        pending = self._pending
        while pending:
            batch = [pending.popleft() for _ in range(min(self._batch_size, len(pending)))]
            try:
                await self.write(batch)
            except BaseException as exc:  # cancelled too: the batch must not vanish
                pending.extendleft(reversed(batch))
                if not isinstance(exc, Exception):
                    raise
                self._note_failing(exc)
                return
            self._written(len(batch))

    def _written(self, count: int) -> None:
        if self._failing:
            log.info("usage sink recovered", extra={"event": "usage_sink_recovered"})
        self._failing = False
        if self._replay_left > 0:
            self._replay_left -= count
            if self._replay_left <= 0:
                self._release_claimed()
        if self._dropping and len(self._pending) < self._buffer_limit:
            self._dropping = False
            log.warning(
                "usage buffer has room again",
                extra={
                    "event": "usage_buffer_recovered",
                    "dropped": self.dropped - self._dropping_since,
                },
            )

    def _note_failing(self, exc: Exception) -> None:
        if not self._failing:
            log.warning(
                "usage sink failing; keeping events to retry",
                extra={"event": "usage_sink_failing", "error": type(exc).__name__},
            )
        self._failing = True

    def _count_drop(self) -> None:
        if not self._dropping:
            self._dropping, self._dropping_since = True, self.dropped
            log.error(
                "usage buffer full; dropping the oldest events until the sink catches up",
                extra={"event": "usage_buffer_full", "limit": self._buffer_limit},
            )
        self.dropped += 1
        if self._replay_left > 0:
            self._replay_left -= 1

    def _replay(self) -> None:
        if self._spool is None:
            return
        events, self._claimed = self._spool.claim()
        if not self._claimed:
            return
        self._pending.extendleft(reversed(events))
        self._replay_left = len(events)
        log.info(
            "replaying usage events spooled at an earlier shutdown",
            extra={"event": "usage_spool_replay", "events": len(events)},
        )
        if not events:
            self._release_claimed()

    def _release_claimed(self) -> None:
        if self._spool is not None:
            self._spool.release(self._claimed)
        self._claimed, self._replay_left = [], 0

    def _spool_rest(self) -> None:
        if not self._pending:
            self._release_claimed()
            return
        if self._spool is None:
            log.error(
                "usage events lost at shutdown: no spool directory",
                extra={"event": "usage_lost_at_shutdown", "events": len(self._pending)},
            )
            return
        try:
            path = self._spool.save(self._pending)
        except OSError as exc:
            log.error(
                "usage events lost at shutdown: the spool cannot be written",
                extra={
                    "event": "usage_lost_at_shutdown",
                    "events": len(self._pending),
                    "error": type(exc).__name__,
                },
            )
            return
        log.warning(
            "usage sink unavailable at shutdown; events spooled to disk for the next start",
            extra={"event": "usage_spooled", "events": len(self._pending), "file": str(path)},
        )
        self._pending.clear()
        self._release_claimed()

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
            self._wake.clear()
            await self.flush()
