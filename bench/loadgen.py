"""The bench's load generator: keep-alive HTTP/1.1 connections, closed and open loops."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

CHAT = b'{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello to the bench"}]}'
STREAM = CHAT[:-1] + b',"stream":true}'


@dataclass
class Result:
    label: str
    requests: int
    seconds: float
    latencies: list[float]
    first_bytes: list[float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float, values: list[float] | None = None) -> float:
        data = sorted(values if values is not None else self.latencies)
        return data[min(len(data) - 1, int(q * len(data)))] * 1000 if data else float("nan")


class Connection:
    """A keep-alive HTTP/1.1 client connection that reads just enough to find the end."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def call(self, raw: bytes) -> tuple[float, float]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        started = time.perf_counter()
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(head.decode(errors="replace"))
        lowered = head.lower()
        if b"transfer-encoding: chunked" in lowered:
            first = await self._read_chunked()
        else:
            length = int(lowered.split(b"content-length: ", 1)[1].split(b"\r\n", 1)[0])
            await self.reader.readexactly(length)
            first = time.perf_counter()
        return first - started, time.perf_counter() - started

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    async def _read_chunked(self) -> float:
        first = 0.0
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return first
            await self.reader.readexactly(size + 2)
            first = first or time.perf_counter()


def request_bytes(path: str, body: bytes, key: str | None) -> bytes:
    auth = f"authorization: Bearer {key}\r\n" if key else ""
    return (
        f"POST {path} HTTP/1.1\r\nhost: bench\r\ncontent-type: application/json\r\n{auth}"
        f"content-length: {len(body)}\r\n\r\n"
    ).encode() + body


async def closed_loop(
    label: str, port: int, raw: bytes, conns: int, seconds: float, warm: float = 1.0
) -> Result:
    latencies: list[float] = []
    firsts: list[float] = []
    warm_until = time.perf_counter() + warm
    stop_at = warm_until + seconds

    async def worker() -> None:
        connection = Connection("127.0.0.1", port)
        while (now := time.perf_counter()) < stop_at:
            first, total = await connection.call(raw)
            if now >= warm_until:
                latencies.append(total)
                firsts.append(first)
        connection.close()

    await asyncio.gather(*(worker() for _ in range(conns)))
    return Result(label, len(latencies), seconds, latencies, firsts)


async def open_loop(label: str, port: int, raw: bytes, rate: int, seconds: float) -> Result:
    """Calls started on a fixed schedule (not when the previous one ends)."""
    idle = [Connection("127.0.0.1", port) for _ in range(32)]
    latencies: list[float] = []
    firsts: list[float] = []

    async def one() -> None:
        connection = idle.pop() if idle else Connection("127.0.0.1", port)
        first, total = await connection.call(raw)
        latencies.append(total)
        firsts.append(first)
        idle.append(connection)

    tasks = []
    started = time.perf_counter()
    for index in range(int(rate * seconds)):
        delay = started + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one()))
    await asyncio.gather(*tasks)
    for connection in idle:
        if connection.writer:
            connection.writer.close()
    return Result(label, len(latencies), seconds, latencies, firsts)
