"""Proxy overhead: the same calls direct to a fast local upstream and through the proxy.

    .venv/bin/python bench/proxy_overhead.py [--duration 5] [--no-access-log] [--limits]

Starts bench/fast_upstream.py and one proxy worker (`python -m proxy`, uvloop + httptools) with
auth and metering on: a real key looked up and HMAC-checked, usage events batched to the Redis
stream (REDIS_URL, default redis://127.0.0.1:6379/1) or, without Redis, the embedded SQLite
table. On a machine with two or more cores the proxy is pinned to core 0 and the upstream and
load generator to the others. `--limits` gives the key's plan request and token limits too high
to refuse (so every call is admitted, reserved and settled; TOLLGATE_LEASE_MIN_LIMIT and
TOLLGATE_LEASE_MIN_TOKEN_LIMIT above them make each call a Redis round trip). Prints one table;
nothing here is a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvloop

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import orjson  # noqa: E402
import redis  # noqa: E402

from proxy.contract import (  # noqa: E402
    Auth,
    DeploymentSnapshot,
    Endpoint,
    KeySnapshot,
    Limits,
    Operation,
    RedisNames,
    SubscriptionGrant,
    Vendor,
)
from proxy.crypto import KeyRing, key_digest  # noqa: E402

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


async def closed_loop(label: str, port: int, raw: bytes, conns: int, seconds: float) -> Result:
    latencies: list[float] = []
    firsts: list[float] = []
    warm_until = time.perf_counter() + 1.0
    stop_at = warm_until + seconds

    async def worker() -> None:
        connection = Connection("127.0.0.1", port)
        while (now := time.perf_counter()) < stop_at:
            first, total = await connection.call(raw)
            if now >= warm_until:
                latencies.append(total)
                firsts.append(first)
        connection.writer.close()

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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pinned(cores: str) -> list[str]:
    return ["taskset", "-c", cores] if shutil.which("taskset") and os.cpu_count() > 1 else []


def start(args: list[str], env: dict[str, str], cores: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*pinned(cores), sys.executable, *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_ready(url: str) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} not ready")


def idle_connection_bytes(pid: int, port: int, count: int = 1000) -> float:
    def rss() -> int:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    before = rss()
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
    time.sleep(1.0)
    after = rss()
    for sock in sockets:
        sock.close()
    return (after - before) / count


async def measure(upstream: int, proxy: int, key: str, route: str, seconds: float) -> list:
    direct = request_bytes("/v1/chat/completions", CHAT, None)
    through = request_bytes(f"/{route}/chat/completions", CHAT, key)
    direct_stream = request_bytes("/v1/chat/completions", STREAM, None)
    through_stream = request_bytes(f"/{route}/chat/completions", STREAM, key)
    rows = []
    for conns in (16, 64):
        rows.append(
            (
                await closed_loop(f"direct, {conns} conns", upstream, direct, conns, seconds),
                await closed_loop(f"proxy, {conns} conns", proxy, through, conns, seconds),
            )
        )
    rows.append(
        (
            await open_loop("direct, 200 req/s", upstream, direct, 200, seconds),
            await open_loop("proxy, 200 req/s", proxy, through, 200, seconds),
        )
    )
    rows.append(
        (
            await open_loop("direct stream, 200 req/s", upstream, direct_stream, 200, seconds),
            await open_loop("proxy stream, 200 req/s", proxy, through_stream, 200, seconds),
        )
    )
    return rows


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(rows: list, idle_bytes: float, mode: str, cpu_per_call: float) -> None:
    print(f"\nTollgate proxy overhead ({mode}; {os.cpu_count()} cores; 1 proxy worker)\n")
    print(f"{'run':28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'TTFB p50':>9}")
    for pair in rows:
        for result in pair:
            print(
                f"{result.label:28} {result.rate:9.0f} {result.pct(0.5):8.2f} "
                f"{result.pct(0.99):8.2f} {result.pct(0.5, result.first_bytes):9.2f}"
            )
        direct, proxied = pair
        print(
            f"{'  added by the proxy':28} {'':>9} {proxied.pct(0.5) - direct.pct(0.5):8.2f} "
            f"{proxied.pct(0.99) - direct.pct(0.99):8.2f} "
            f"{proxied.pct(0.5, proxied.first_bytes) - direct.pct(0.5, direct.first_bytes):9.2f}"
        )
    print(f"\nmemory per idle client connection: {idle_bytes / 1024:.1f} KB")
    print(f"proxy CPU per call (user+sys, all proxied runs): {cpu_per_call * 1e6:.0f} us")


BENCH_LIMITS = Limits(requests=10**9, total_tokens=10**12, unit_seconds=60)


def seed_registry(
    env: dict[str, str], redis_url: str, upstream_url: str, limits: Limits | None = None
) -> tuple[str, str]:
    """Publish one deployment and one subscribed key the way core/registry does."""
    secret = env["SECRET_KEY"]
    vendor = Vendor("openai", "OpenAI", "v1", "openai", Auth("header", "Authorization", "Bearer "))
    endpoint = Endpoint(upstream_url, KeyRing([], secret).encrypt("sk-bench-provider"))
    deployment = DeploymentSnapshot(
        version=1,
        environment="default",
        tenant_id=1,
        tenant_slug="default",
        api_id=1,
        api_uuid="bench",
        api_name="bench",
        api_version="1.0.0",
        route="bench/1.0.0",
        revision_id=1,
        revision_number=1,
        lifecycle_state="PUBLISHED",
        api_type="native",
        vendor=vendor,
        operations=(Operation("POST", "/chat/completions"),),
        production=endpoint,
    )
    key = "tg_p_benchbenchbenchsecret"
    snapshot = KeySnapshot(
        version=1,
        digest=key_digest(secret, key),
        key_id=1,
        tenant_id=1,
        tenant_slug="default",
        application_id=1,
        application_name="bench",
        key_type="production",
        expires_at=None,
        subscriptions={"1": SubscriptionGrant(1, 1, "Bench", "ACTIVE", limits)},
    )
    names = RedisNames(env.get("TOLLGATE_REDIS_PREFIX") or RedisNames().prefix)
    client = redis.Redis.from_url(redis_url)
    client.hset(names.deployments, deployment.key, deployment.to_json())
    client.set(names.key(snapshot.digest), snapshot.to_json())
    client.publish(names.invalidations, orjson.dumps({"kind": "all"}))
    client.close()
    return key, deployment.route


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--no-access-log", action="store_true")
    parser.add_argument("--limits", action="store_true", help="limit the plan (never refusing)")
    options = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1"
    upstream_port, proxy_port = free_port(), free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "SECRET_KEY": "bench-secret",
            "TOLLGATE_KEY_PEPPER": "bench-secret",
            "ALLOW_PRIVATE_UPSTREAMS": "true",
            "ALLOW_HTTP_UPSTREAMS": "true",
            "TOLLGATE_DATA_DIR": data_dir,
            "PYTHONPATH": str(REPO),
            "PROXY_ACCESS_LOG": "false" if options.no_access_log else "true",
        }
        env["REDIS_URL"] = redis_url
        limits = BENCH_LIMITS if options.limits else None
        upstream_url = f"http://127.0.0.1:{upstream_port}/v1"
        key, route = seed_registry(env, redis_url, upstream_url, limits)
        mode = "Redis registry + Redis usage stream" + (" + plan limits" if limits else "")
        spare = f"1-{os.cpu_count() - 1}" if os.cpu_count() > 1 else "0"
        upstream = start(["bench/fast_upstream.py", str(upstream_port)], env, spare)
        proxy = start(
            ["-m", "proxy", "--port", str(proxy_port), "--log-level", "warning"], env, "0"
        )
        try:
            wait_ready(f"http://127.0.0.1:{proxy_port}/readyz")
            if spare != "0":  # the load generator shares the upstream's core, not the proxy's
                os.sched_setaffinity(0, {os.cpu_count() - 1})
            cpu_before = cpu_seconds(proxy.pid)
            rows = uvloop.run(measure(upstream_port, proxy_port, key, route, options.duration))
            calls = sum(proxied.requests for _, proxied in rows)
            calls += sum(int(p.rate) for _, p in rows[:2])  # the warm-up second of closed loops
            cpu_per_call = (cpu_seconds(proxy.pid) - cpu_before) / calls
            report(rows, idle_connection_bytes(proxy.pid, proxy_port), mode, cpu_per_call)
        finally:
            for process in (proxy, upstream):
                process.terminate()
                process.wait(timeout=10)


if __name__ == "__main__":
    main()
