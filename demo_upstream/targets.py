"""Named targets with faults on demand, to show how a gateway's pool fails over.

A request under `/_t/{name}/…` is served as `/…` (any vendor) for the target `name`; its
record carries `"target": name`. `PUT /_mock/targets/{name}` with a JSON body sets that
target's fault until `DELETE /_mock/targets/{name}`:
`{"status": 503}` (or 429, with `"retry_after": seconds`) answers that error in the vendor-neutral
OpenAI error shape; `{"delay": seconds}` waits before answering (a timeout);
`{"cut_after": N}` cuts a stream after N events.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import orjson

from demo_upstream.common import Response

PREFIX = "/_t/"


@dataclass(frozen=True)
class TargetFault:
    status: int | None = None
    retry_after: float | None = None
    delay: float = 0.0
    cut_after: int | None = None

    @classmethod
    def from_json(cls, body: bytes) -> TargetFault:
        data: dict[str, Any] = orjson.loads(body) if body else {}
        return cls(
            status=data.get("status"),
            retry_after=data.get("retry_after"),
            delay=float(data.get("delay", 0)),
            cut_after=data.get("cut_after"),
        )


class Targets:
    def __init__(self) -> None:
        self._faults: dict[str, TargetFault] = {}

    def control(self, method: str, name: str, body: bytes) -> Response:
        if method == "PUT":
            self._faults[name] = TargetFault.from_json(body)
        elif method == "DELETE":
            self._faults.pop(name, None)
        else:
            return Response(405, b'{"error": "PUT or DELETE"}')
        return Response(200, orjson.dumps({"target": name, "method": method}))

    def fault_of(self, name: str) -> TargetFault:
        return self._faults.get(name) or TargetFault()


def split_target(path: str) -> tuple[str, str]:
    """("name", "/rest") for a target's path; ("", path) otherwise."""
    if not path.startswith(PREFIX):
        return "", path
    name, _, rest = path[len(PREFIX) :].partition("/")
    return name, "/" + rest


async def faulted(fault: TargetFault) -> Response | None:
    """The fault's answer, after its delay; None when the target answers normally."""
    if fault.delay:
        await asyncio.sleep(fault.delay)
    if fault.status is None:
        return None
    headers = []
    if fault.retry_after is not None:
        headers.append((b"retry-after", str(fault.retry_after).encode()))
    body = {"error": {"message": f"Injected {fault.status}.", "type": "server_error"}}
    return Response(fault.status, orjson.dumps(body), headers)
