"""One structured JSON line per call on stdout, never with a secret (no headers, query or body).

Lines are buffered and written together (at 256 lines or every 200 ms), not one write and
flush per call: on the hot path a log line costs a list append.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from typing import Any, BinaryIO

import orjson

from proxy.record import CallRecord
from proxy.usage import UsageEvent


class AccessLog:
    def __init__(self, stream: BinaryIO | None = None, max_lines: int = 256) -> None:
        self._stream = stream or sys.stdout.buffer
        self._max_lines = max_lines
        self._lines: list[bytes] = []
        self._task: asyncio.Task[None] | None = None

    def write(self, record: CallRecord, event: UsageEvent) -> None:
        self._lines.append(orjson.dumps(_line(record, event), option=orjson.OPT_APPEND_NEWLINE))
        if len(self._lines) >= self._max_lines:
            self.flush()

    def flush(self) -> None:
        if self._lines:
            self._stream.write(b"".join(self._lines))
            self._stream.flush()
            self._lines.clear()

    async def start(self, interval: float = 0.2) -> None:
        self._task = asyncio.create_task(self._run(interval), name="access-log")

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.flush()

    async def _run(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            self.flush()


def _line(record: CallRecord, event: UsageEvent) -> dict[str, Any]:
    deployment, key = record.deployment, record.key
    return {
        "ts": event.ts,
        "event": "call",
        "request_id": record.request_id,
        "method": record.method,
        "path": record.path,
        "status": event.status,
        "error_code": event.error_code,
        "tenant": deployment.tenant_slug if deployment else None,
        "api_id": event.api_id,
        "api": deployment.api_name if deployment else None,
        "revision_id": event.revision_id,
        "application_id": event.application_id,
        "application": key.application_name if key else None,
        "key_type": event.key_type,
        "vendor": event.vendor,
        "model": event.model_requested,
        "model_answered": event.model_answered,
        "prompt_tokens": event.prompt_tokens,
        "completion_tokens": event.completion_tokens,
        "total_tokens": event.total_tokens,
        "upstream_ms": event.upstream_latency_ms,
        "total_ms": event.total_latency_ms,
        "streamed": event.streamed,
        "quota_exceeded": event.quota_exceeded,
    }
