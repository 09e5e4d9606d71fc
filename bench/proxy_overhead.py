"""Proxy overhead as ratios to a bare relay, measured in one run: `make bench`.

    .venv/bin/python bench/proxy_overhead.py [--duration 3] [--reps 3] [--proxy-tree DIR]

Starts bench/fast_upstream.py, bench/bare_relay.py (the reference) and one proxy worker
(`python -m proxy`, uvloop + httptools) with auth and metering on: real keys looked up and
HMAC-checked, usage events batched to the Redis stream (REDIS_URL, default
redis://127.0.0.1:6379/1). Two keys: one whose plan has no limits, one whose plan has request
and token limits too high to refuse (every call admitted, reserved and settled). The relay and
the proxy share core 0 (only one is loaded at a time); the upstream and the load generator run
on the other core. CPU per call is the stable figure: the loaded process's user+sys time over a
16-connection closed loop, median of --reps alternated runs. Memory per idle connection is read
in freshly started processes (bench/memory.py); req/s of `--workers 1` and `--workers 2` in a
second table (bench/workers.py). `--proxy-tree` runs the proxy from another checkout (e.g. a
worktree of main) against the same relay; `--metrics` runs it with Prometheus metrics on
(PROXY_METRICS_PORT). Prints markdown tables; nothing here is a test.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import uvloop

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.figures import Target, measure  # noqa: E402
from bench.memory import chat_call, idle_connection_bytes  # noqa: E402
from bench.processes import REPO, free_port, start, stop, wait_ready  # noqa: E402
from bench.seed import seed_registry  # noqa: E402
from bench.table import report  # noqa: E402
from bench.workers import report_workers, start_workers, worker_figures  # noqa: E402


def bench_env(options, redis_url: str, data_dir: str) -> dict[str, str]:
    return {
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


def start_relay(port: int, upstream_url: str, keys: dict, env: dict) -> object:
    process = start(["bench/bare_relay.py", str(port), upstream_url, *keys.values()], env, "0")
    wait_ready(f"http://127.0.0.1:{port}/readyz")
    return process


def start_proxy(port: int, env: dict, tree: Path) -> object:
    args = ["-m", "proxy", "--port", str(port), "--log-level", "warning"]
    process = start(args, env, "0", tree)
    wait_ready(f"http://127.0.0.1:{port}/readyz")
    return process


def idle_figures(targets: list[Target], route: str, env: dict, upstream_url: str, keys, tree):
    """Memory per idle connection, each in a fresh process on core 0."""
    relay_port, proxy_port = free_port(), free_port()
    relay = start_relay(relay_port, upstream_url, keys, env)
    proxy = start_proxy(proxy_port, env, tree)
    try:
        for target, port, process in (
            (targets[0], relay_port, relay),
            (targets[1], proxy_port, proxy),
        ):
            raw = chat_call(route, keys["no limits"])
            target.figures["idle"] = uvloop.run(idle_connection_bytes(process.pid, port, raw))
    finally:
        stop(proxy, relay)
    targets[2].figures["idle"] = targets[1].figures["idle"]


def workers_table(options, route: str, env: dict, key: str) -> None:
    os.sched_setaffinity(0, set(range(os.cpu_count() or 1)))
    ports = {1: free_port(), 2: free_port()}
    processes = {count: start_workers(count, port, env) for count, port in ports.items()}
    try:
        pids = {count: process.pid for count, process in processes.items()}
        report_workers(uvloop.run(worker_figures(ports, pids, route, key, options)))
    finally:
        stop(*processes.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=3.0)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--no-access-log", action="store_true")
    parser.add_argument("--no-workers", action="store_true", help="skip the --workers table")
    parser.add_argument(
        "--metrics", action="store_true", help="run the proxy with Prometheus metrics on"
    )
    parser.add_argument("--proxy-tree", type=Path, default=REPO, help="run this checkout's proxy")
    options = parser.parse_args()
    tree = options.proxy_tree.resolve()
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/1"
    upstream_port, proxy_port, relay_port = free_port(), free_port(), free_port()
    with tempfile.TemporaryDirectory() as data_dir:
        env = bench_env(options, redis_url, data_dir)
        upstream_url = f"http://127.0.0.1:{upstream_port}/v1"
        keys, route = seed_registry(env, redis_url, upstream_url)
        spare = f"1-{os.cpu_count() - 1}" if os.cpu_count() > 1 else "0"
        upstream = start(["bench/fast_upstream.py", str(upstream_port)], env, spare)
        try:
            relay = start_relay(relay_port, upstream_url, keys, env)
            proxy = start_proxy(proxy_port, env, tree)
            if spare != "0":  # the load generator shares the upstream's core, not the proxy's
                os.sched_setaffinity(0, {os.cpu_count() - 1})
            targets = [
                Target("bare relay", relay_port, relay.pid, keys["no limits"], {}),
                Target("proxy, no limits", proxy_port, proxy.pid, keys["no limits"], {}),
                Target("proxy, limits", proxy_port, proxy.pid, keys["limits"], {}),
            ]
            try:
                uvloop.run(measure(targets, upstream_port, route, options))
            finally:
                stop(proxy, relay)
            idle_figures(targets, route, env, upstream_url, keys, tree)
            report(targets, options)
            if not options.no_workers:
                workers_table(options, route, env, keys["no limits"])
        finally:
            stop(upstream)


if __name__ == "__main__":
    main()
