"""Memory per idle keep-alive connection, read in a process that has served no load yet.

After the load runs, memory the process freed is reused for new connections and the figure
reads ~0; so each target is started afresh, warmed on one connection, and then `COUNT`
connections each make one call and stay open, idle, while RSS is read.
"""

from __future__ import annotations

import asyncio

from bench.loadgen import CHAT, Connection, request_bytes
from bench.processes import rss_bytes

COUNT = 1000


async def idle_connection_bytes(pid: int, port: int, raw: bytes) -> float:
    warm = Connection("127.0.0.1", port)
    for _ in range(50):
        await warm.call(raw)
    await asyncio.sleep(0.5)
    before = rss_bytes(pid)
    connections = [Connection("127.0.0.1", port) for _ in range(COUNT)]
    for start in range(0, COUNT, 100):  # in waves, under the servers' backlog and limits
        await asyncio.gather(*(c.call(raw) for c in connections[start : start + 100]))
    await asyncio.sleep(1.0)
    after = rss_bytes(pid)
    for connection in [warm, *connections]:
        connection.close()
    return (after - before) / COUNT


def chat_call(route: str, key: str) -> bytes:
    return request_bytes(f"/{route}/chat/completions", CHAT, key)
