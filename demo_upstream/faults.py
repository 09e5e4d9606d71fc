"""Stream faults on request, to show how a gateway copes with a broken upstream.

`x-mock-stream-cut-after: N` sends N events, then drops the connection mid-body (no terminating
chunk); `x-mock-stream-stall-after: N` sends N events, then nothing, ever;
`x-mock-stream-close-after: N` sends N events, then ends the body cleanly, without the vendor's
end marker (`[DONE]`, `message_stop`, the final finish reason).

A gateway that translates the caller's request does not pass these headers on, so the same
faults can be asked for with the model's name: `mock-stream-close-after-3` (in the body, or in
the URL for Gemini).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass


class UpstreamCut(Exception):
    """Raised inside the event stream: the server then abandons the response unfinished."""


@dataclass(frozen=True)
class StreamFault:
    cut_after: int | None = None
    stall_after: int | None = None
    close_after: int | None = None

    @classmethod
    def from_request(cls, headers: dict[str, str], path: str, body: bytes) -> StreamFault:
        asked = dict(headers)
        named = _IN_MODEL.search(path) or _IN_MODEL.search(body.decode("utf-8", "replace"))
        if named:
            asked[f"x-mock-stream-{named.group(1)}-after"] = named.group(2)
        return cls(
            _count(asked, "x-mock-stream-cut-after"),
            _count(asked, "x-mock-stream-stall-after"),
            _count(asked, "x-mock-stream-close-after"),
        )


_IN_MODEL = re.compile(r"mock-stream-(cut|stall|close)-after-(\d+)")


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
        if fault.close_after is not None and sent >= fault.close_after:
            return
        yield event
        sent += 1
