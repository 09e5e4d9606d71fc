"""Proxy overhead as ratios to a bare relay, measured in one run: `make bench`.

    .venv/bin/python bench/proxy_overhead.py [--duration 3] [--reps 3] [--proxy-tree DIR]
        [--metrics]

Starts bench/fast_upstream.py, bench/bare_relay.py (the reference) and one proxy worker
(`python -m proxy`, uvloop + httptools) with auth and metering on: real keys looked up and
HMAC-checked, usage events batched to the Redis stream (REDIS_URL, default
redis://127.0.0.1:6379/1). Two keys: one whose plan has no limits, one whose plan has request
and token limits too high to refuse (every call admitted, reserved and settled). The relay and
the proxy share core 0 (only one is loaded at a time); the upstream and the load generator run
on the other core. CPU per call is the stable figure: the loaded process's user+sys time over a
16-connection closed loop, median of --reps alternated runs. `--proxy-tree` runs the proxy
from another checkout (e.g. a worktree of main) against the same relay; `--metrics` runs it
with Prometheus metrics on (PROXY_METRICS_PORT). Prints one markdown table; nothing here is a
test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
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


def start(args: list[str], env: dict[str, str], cores: str, tree: Path = REPO) -> subprocess.Popen:
    return subprocess.Popen(
        [*pinned(cores), sys.executable, *args],
        cwd=tree,
        env={**env, "PYTHONPATH": str(tree)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_ready(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} not ready")


def rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def idle_connection_bytes(pid: int, port: int, count: int = 1000) -> float:
    before = rss_bytes(pid)
    sockets = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
    time.sleep(1.0)
    after = rss_bytes(pid)
    for sock in sockets:
        sock.close()
    time.sleep(0.5)
    return (after - before) / count


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Target:
    """One relay under test: the bare relay, or the proxy called with one of the two keys."""

    name: str
    port: int
    pid: int
    key: str
    figures: dict[str, float]

    def call(self, route: str, body: bytes) -> bytes:
        return request_bytes(f"/{route}/chat/completions", body, self.key)


STREAMS = (1, 16, 256)


async def cpu_per_call(target: Target, route: str, seconds: float) -> float:
    """The target process's user+sys CPU over a 16-connection closed loop, per call."""
    before = cpu_seconds(target.pid)
    result = await closed_loop("cpu", target.port, target.call(route, CHAT), 16, seconds, 0.0)
    return (cpu_seconds(target.pid) - before) / result.requests


async def load_figures(target: Target, route: str, seconds: float, direct: dict) -> None:
    raw, stream = target.call(route, CHAT), target.call(route, STREAM)
    for conns in (16, 64):
        result = await closed_loop(target.name, target.port, raw, conns, seconds)
        target.figures[f"rps{conns}"] = result.rate
    paced = await open_loop(target.name, target.port, raw, 200, seconds)
    target.figures["p50"] = paced.pct(0.5) - direct["p50"]
    target.figures["p99"] = paced.pct(0.99) - direct["p99"]
    for streams in STREAMS:
        result = await closed_loop(target.name, target.port, stream, streams, seconds)
        first = result.pct(0.5, result.first_bytes) - direct[f"ttfb{streams}"]
        target.figures[f"ttfb{streams}"] = first


async def direct_figures(upstream: int, seconds: float) -> dict[str, float]:
    direct = request_bytes("/v1/chat/completions", CHAT, None)
    paced = await open_loop("direct", upstream, direct, 200, seconds)
    figures = {"p50": paced.pct(0.5), "p99": paced.pct(0.99)}
    stream = request_bytes("/v1/chat/completions", STREAM, None)
    for streams in STREAMS:
        result = await closed_loop("direct", upstream, stream, streams, seconds)
        figures[f"ttfb{streams}"] = result.pct(0.5, result.first_bytes)
    return figures


async def measure(targets: list[Target], upstream: int, route: str, options) -> None:
    for target in targets:  # warm every path (connections, caches, vocabularies) first
        await closed_loop("warm", target.port, target.call(route, CHAT), 16, 1.0, 0.0)
        target.figures["rss"] = rss_bytes(target.pid)  # the proxy's before any limited call
    samples: dict[str, list[float]] = {target.name: [] for target in targets}
    for _ in range(options.reps):  # alternated, so a noisy neighbour hits all alike
        for target in targets:
            samples[target.name].append(await cpu_per_call(target, route, options.duration))
    for target in targets:
        target.figures["cpu"] = statistics.median(samples[target.name])
    direct = await direct_figures(upstream, options.duration)
    for target in targets:
        await load_figures(target, route, options.duration, direct)


ROWS = (
    ("cpu", "CPU per call, 16 connections", "ms", 1e3, False),
    ("rps16", "req/s, 16 connections", "", 1, True),
    ("rps64", "req/s, 64 connections", "", 1, True),
    ("p50", "added latency p50 at 200 req/s", "ms", 1, False),
    ("p99", "added latency p99 at 200 req/s", "ms", 1, False),
    *((f"ttfb{n}", f"added TTFB p50, {n} stream{'s' * (n > 1)}", "ms", 1, False) for n in STREAMS),
    ("rss", "RSS once warm", "MB", 1 / 2**20, False),
    ("idle", "memory per idle connection", "KB", 1 / 2**10, False),
)


def cell(value: float, reference: float, scale: float, unit: str, is_reference: bool) -> str:
    shown = f"{value * scale:,.0f}" if not unit else f"{value * scale:,.3g} {unit}"
    if is_reference or reference == 0:
        return shown
    return f"{shown} ({value / reference:.2f}×)"


def report(targets: list[Target], options) -> None:
    relay = targets[0]
    print(
        f"\nProxy vs bare relay ({os.cpu_count()} cores; one process each on core 0; "
        f"{options.duration:g} s runs; CPU per call: median of {options.reps})\n"
    )
    print("| | " + " | ".join(target.name for target in targets) + " |")
    print("| --- |" + " ---: |" * len(targets))
    for field, label, unit, scale, _ in ROWS:
        cells = [
            cell(t.figures[field], relay.figures[field], scale, unit, t is relay) for t in targets
        ]
        print(f"| {label} | " + " | ".join(cells) + " |")


BENCH_LIMITS = Limits(requests=10**9, total_tokens=10**12, unit_seconds=60)


def seed_registry(env: dict[str, str], redis_url: str, upstream_url: str) -> tuple[dict, str]:
    """Publish one deployment and two subscribed keys (without and with limits) the way
    core/registry does; returns {"no limits": key, "limits": key} and the route."""
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
    names = RedisNames(env.get("TOLLGATE_REDIS_PREFIX") or RedisNames().prefix)
    client = redis.Redis.from_url(redis_url)
    client.hset(names.deployments, deployment.key, deployment.to_json())
    keys = {}
    for key_id, (plan, limits) in enumerate((("no limits", None), ("limits", BENCH_LIMITS)), 1):
        key = f"tg_p_benchbenchbenchsecret{key_id}"
        snapshot = KeySnapshot(
            version=1,
            digest=key_digest(secret, key),
            key_id=key_id,
            tenant_id=1,
            tenant_slug="default",
            application_id=1,
            application_name="bench",
            key_type="production",
            expires_at=None,
            subscriptions={"1": SubscriptionGrant(key_id, 1, "Bench", "ACTIVE", limits)},
        )
        client.set(names.key(snapshot.digest), snapshot.to_json())
        keys[plan] = key
    client.publish(names.invalidations, orjson.dumps({"kind": "all"}))
    client.close()
    return keys, deployment.route


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--no-access-log", action="store_true")
    parser.add_argument(
        "--metrics", action="store_true", help="run the proxy with Prometheus metrics on"
    )
    parser.add_argument("--proxy-tree", type=Path, default=REPO, help="run this checkout's proxy")
    options = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1"
    upstream_port, proxy_port, relay_port = free_port(), free_port(), free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        env = {
            **os.environ,
            "SECRET_KEY": "bench-secret",
            "TOLLGATE_KEY_PEPPER": "bench-secret",
            "ALLOW_PRIVATE_UPSTREAMS": "true",
            "ALLOW_HTTP_UPSTREAMS": "true",
            "TOLLGATE_DATA_DIR": data_dir,
            "PROXY_ACCESS_LOG": "false" if options.no_access_log else "true",
            "PROXY_METRICS_PORT": str(free_port()) if options.metrics else "0",
            "REDIS_URL": redis_url,
        }
        upstream_url = f"http://127.0.0.1:{upstream_port}/v1"
        keys, route = seed_registry(env, redis_url, upstream_url)
        spare = f"1-{os.cpu_count() - 1}" if os.cpu_count() > 1 else "0"
        upstream = start(["bench/fast_upstream.py", str(upstream_port)], env, spare)
        relay_args = ["bench/bare_relay.py", str(relay_port), upstream_url, *keys.values()]
        relay = start(relay_args, env, "0")
        proxy_args = ["-m", "proxy", "--port", str(proxy_port), "--log-level", "warning"]
        proxy = start(proxy_args, env, "0", options.proxy_tree.resolve())
        try:
            wait_ready(f"http://127.0.0.1:{relay_port}/readyz")
            wait_ready(f"http://127.0.0.1:{proxy_port}/readyz")
            if spare != "0":  # the load generator shares the upstream's core, not the proxy's
                os.sched_setaffinity(0, {os.cpu_count() - 1})
            targets = [
                Target("bare relay", relay_port, relay.pid, keys["no limits"], {}),
                Target("proxy, no limits", proxy_port, proxy.pid, keys["no limits"], {}),
                Target("proxy, limits", proxy_port, proxy.pid, keys["limits"], {}),
            ]
            uvloop.run(measure(targets, upstream_port, route, options))
            for target in targets[:2]:
                target.figures["idle"] = idle_connection_bytes(target.pid, target.port)
            targets[2].figures["idle"] = targets[1].figures["idle"]
            report(targets, options)
        finally:
            for process in (proxy, relay, upstream):
                process.terminate()
                process.wait(timeout=10)


if __name__ == "__main__":
    main()
