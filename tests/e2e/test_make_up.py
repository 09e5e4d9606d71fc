"""`make up` in the embedded mode: seed, start every process, call the demo API, stop cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from core.processes import ROOT
from tests.support.stack import free_port

pytestmark = pytest.mark.e2e

EMBEDDED_ENV_DROP = ("DATABASE_URL", "REDIS_URL")


def embedded_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in EMBEDDED_ENV_DROP}
    ports = {"WEB_PORT": free_port(), "PROXY_PORT": free_port(), "MOCK_PORT": free_port()}
    env.update({k: str(v) for k, v in ports.items()})
    env.update({"TOLLGATE_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"})
    return env


def run_manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )


def wait_for_banner(proc: subprocess.Popen, timeout: float = 60.0) -> str:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Press Ctrl-C" in line:
            return "".join(lines)
    raise AssertionError("make up did not print its banner:\n" + "".join(lines))


def test_embedded_make_up_serves_the_demo(tmp_path):
    env = embedded_env(tmp_path)
    run_manage(env, "migrate", "--noinput")
    run_manage(env, "seed_demo")
    proc = subprocess.Popen(
        [sys.executable, "-m", "core.devserver"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        banner = wait_for_banner(proc)
        demo = json.loads((tmp_path / "demo.json").read_text())
        assert "embedded mode" in banner
        for user, password in demo["passwords"].items():
            assert f"{user:<10} password {password}" in banner
        proxy = f"http://127.0.0.1:{env['PROXY_PORT']}"
        answer = httpx.post(
            f"{proxy}/{demo['api_route']}/chat/completions",
            headers={"Authorization": f"Bearer {demo['production_key']}"},
            json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]},
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["usage"]["total_tokens"] > 0
        web = httpx.get(f"http://127.0.0.1:{env['WEB_PORT']}/accounts/login/", timeout=10)
        assert web.status_code == 200
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=20)
        proc.stdout.close()
    leftovers = subprocess.run(
        ["pgrep", "-f", f"--port {env['PROXY_PORT']}"], capture_output=True, text=True
    ).stdout.strip()
    assert not leftovers, "Ctrl-C left the proxy running"
