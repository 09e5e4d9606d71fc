"""Three OS processes sharing one Redis: the limit holds across them (issue 4's Done-when)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import redis

WORKER = Path(__file__).with_name("_worker.py")
REPO = Path(__file__).resolve().parents[3]


def _mid_window_an_hour_ahead(unit: int = 60) -> float:
    """The workers' frozen clock: mid-window, and far enough ahead that the window's Redis
    key (which expires in real time, just after its window ends) outlives even a slow run."""
    return (time.time() // unit + 60) * unit + unit / 2


def _run_processes(redis_url: str, prefix: str, scenario: str, attempts: list[int]) -> list[dict]:
    now = _mid_window_an_hour_ahead()
    start_at = time.time() + 2.0  # every process has imported and connected by then
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                str(WORKER),
                "--redis",
                redis_url,
                "--prefix",
                prefix,
                "--scenario",
                scenario,
                "--attempts",
                str(count),
                "--start-at",
                str(start_at),
                "--now",
                str(now),
                "--seed",
                str(index),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=REPO,
            text=True,
        )  # fmt: skip
        for index, count in enumerate(attempts)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def test_60_per_minute_admits_exactly_60_of_200_concurrent_calls(redis_url, clean_prefix):
    results = _run_processes(redis_url, clean_prefix, "requests", [67, 67, 66])
    assert sum(r["admitted"] for r in results) == 60
    assert all(r["codes"] in ([], ["rate_limit_requests"]) for r in results)
    remaining = sorted(value for r in results for value in r["remaining"])
    assert remaining == list(range(60))  # headers counted down across the processes
    retry_after = {value for r in results for value in r["retry_after"]}
    assert len(retry_after) == 1 and 1 <= retry_after.pop() <= 60


def test_token_budget_never_settles_above_limit_plus_one_reservation_per_process(
    redis_url, clean_prefix
):
    results = _run_processes(redis_url, clean_prefix, "tokens", [200, 200, 200])
    settled = sum(r["settled"] for r in results)
    reservation = max(r["reservation"] for r in results)
    assert settled <= 1000 + 3 * reservation
    assert sum(r["admitted"] for r in results) > 3  # refunds let later calls in
    client = redis.Redis.from_url(redis_url)
    counters = [int(client.get(key)) for key in client.scan_iter(match=f"{clean_prefix}:*")]
    client.close()
    assert counters == [settled]  # the shared counter holds exactly the settled usage
