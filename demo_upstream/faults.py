"""Stream faults on request, to show how a gateway copes with a broken upstream.

`x-mock-stream-cut-after: N` sends N events, then drops the connection mid-body (no terminating
chunk); `x-mock-stream-stall-after: N` sends N events, then nothing, ever.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass


class UpstreamCut(Exception):
    """Raised inside the event stream: the server then abandons the response unfinished."""


@dataclass(frozen=True)
class StreamFault:
    cut_after: int | None = None
    stall_after: int | None = None

    @classmethod
    def from_headers(cls, headers: dict[str, str]) -> StreamFault:
        return cls(
            _count(headers, "x-mock-stream-cut-after"), _count(headers, "x-mock-stream-stall-after")
        )


def _count(headers: dict[str, str], name: str) -> int | None:
    value = headers.get(name, "")
    return int(value) if value.isdigit() else None


async def faulty(events: AsyncIterator[bytes], fault: StreamFault) -> AsyncIterator[bytes]:
    sent = 0
    async for event in events:
        if fault.cut_after is not None and sent >= fault.cut_after:
            raise UpstreamCut
        if fault.stall_after is not None and sent >= fault.stall_after:
            await asyncio.Event().wait()
        yield event
        sent += 1
