"""`manage.py worker --without-beat` and the one `manage.py beat` of a deployment."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from django.core.management import CommandError, call_command

from core.processes import ROOT


@pytest.fixture
def exec_calls(monkeypatch, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    calls: list[list[str]] = []

    def execv(path: str, argv: list[str]) -> None:
        calls.append(argv)
        raise SystemExit(0)  # as the real one, which never returns

    monkeypatch.setattr(os, "execv", execv)
    return calls


def test_the_worker_runs_beat_only_when_asked(exec_calls):
    for args in ((), ("--without-beat",)):
        with pytest.raises(SystemExit):
            call_command("worker", *args)
    with_beat, without = exec_calls
    assert "-B" in with_beat and "worker" in with_beat
    assert "-B" not in without and "beat" not in without


def test_beat_needs_redis(settings):
    settings.REDIS_URL = ""
    with pytest.raises(CommandError, match="needs Redis"):
        call_command("beat")


def test_beat_queues_a_reconcile_as_it_starts(fresh_redis, tmp_path):
    prefix = f"tgbeat-{os.getpid()}"
    env = {**os.environ, "REDIS_URL": fresh_redis.url, "TOLLGATE_REDIS_PREFIX": prefix,
           "TOLLGATE_DATA_DIR": str(tmp_path)}  # fmt: skip
    env.pop("DATABASE_URL", None)
    beat = subprocess.Popen(
        [sys.executable, "manage.py", "beat"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    queue = f"{prefix}:celery:celery"
    try:
        with fresh_redis.client() as client:
            deadline = time.monotonic() + 60
            while not client.llen(queue) and time.monotonic() < deadline:
                time.sleep(0.1)
            messages = [json.loads(m) for m in client.lrange(queue, 0, -1)]
            assert "tollgate.reconcile_registry" in [m["headers"]["task"] for m in messages]
            assert beat.poll() is None, "beat exited"
    finally:
        os.killpg(beat.pid, 15)
        beat.wait(timeout=20)
        with fresh_redis.client() as client:
            client.delete(queue)
