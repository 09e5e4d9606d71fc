"""`make up` in the embedded mode, run as a user runs it: it says what it does, seeds the demo,
starts every process, serves the demo API, and every command in the README then runs as
written, in order; Ctrl-C stops everything.

The README's `sh` and `python` blocks run one after another in one bash session (Python blocks
with the project's interpreter), in a directory whose `var/` is the demo's data directory. A
block preceded by `<!-- readme-test: not run: <why> -->` is illustrative (an alternative setup,
or the commands this test itself runs) and is skipped.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from core.processes import ROOT
from tests.support.stack import free_port

pytestmark = pytest.mark.e2e

EMBEDDED_ENV_DROP = {"DATABASE_URL", "REDIS_URL", "MAKEFLAGS", "MAKELEVEL", "MFLAGS"}
README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)
NOT_RUN = re.compile(r"^<!-- readme-test: not run: (.+) -->$")
REPLY = "Hello from the mock provider"  # the demo upstream's answer


@dataclass(frozen=True)
class Block:
    language: str
    code: str
    line: int
    not_run: str | None  # why, when the block is marked illustrative


def readme_blocks() -> list[Block]:
    text = README.read_text()
    blocks = []
    for fence in FENCE.finditer(text):
        before = text[: fence.start()].rstrip("\n").rsplit("\n", 1)[-1]
        marker = NOT_RUN.match(before)
        line = text.count("\n", 0, fence.start()) + 1
        blocks.append(
            Block(fence.group(1), fence.group(2), line, marker.group(1) if marker else None)
        )
    return blocks


def script_of(blocks: list[Block]) -> str:
    """One bash script running the blocks in order, naming the README line of a failure."""
    parts = ["set -euo pipefail", "trap 'echo \"README block at line $LINE failed\" >&2' ERR"]
    for block in blocks:
        parts.append(f"LINE={block.line}")
        if block.language == "python":
            parts.append(f"\"$PYTHON\" - <<'README_PYTHON'\n{block.code}README_PYTHON")
        else:
            parts.append(block.code)
    return "\n".join(parts) + "\n"


def embedded_env(data_dir: Path) -> dict[str, str]:
    """A fresh machine's environment (no DATABASE_URL / REDIS_URL), on free ports."""
    env = {k: v for k, v in os.environ.items() if k not in EMBEDDED_ENV_DROP}
    ports = {"WEB_PORT": free_port(), "PROXY_PORT": free_port(), "MOCK_PORT": free_port()}
    env.update({k: str(v) for k, v in ports.items()})
    env.update({"TOLLGATE_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"})
    return env


def wait_for_banner(proc: subprocess.Popen, timeout: float = 180.0) -> str:
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


def test_every_readme_block_is_runnable_or_marked_illustrative() -> None:
    blocks = readme_blocks()
    assert {b.language for b in blocks} <= {"sh", "python"}, "a block in an unknown language"
    assert [b.language for b in blocks if b.not_run is None] == ["sh", "python"]  # the calls
    assert all(b.not_run for b in blocks if "make up" in b.code)


def test_make_up_serves_the_demo_and_the_readme_runs_as_written(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"  # so the README's `var/demo.env` is the demo's
    env = embedded_env(data_dir)
    make_up = subprocess.Popen(
        ["make", "up"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        banner = wait_for_banner(make_up)
        _assert_the_demo_is_served(banner, data_dir, env)
        readme = subprocess.run(
            ["bash", "-c", script_of([b for b in readme_blocks() if b.not_run is None])],
            cwd=tmp_path,
            env={**env, "PYTHON": sys.executable},
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.killpg(make_up.pid, signal.SIGINT)
        make_up.wait(timeout=30)
        make_up.stdout.close()
    assert readme.returncode == 0, readme.stdout + readme.stderr
    assert readme.stdout.count(REPLY) == 2, readme.stdout  # the curl and the SDK call
    leftovers = subprocess.run(
        ["pgrep", "-f", f"--port {env['PROXY_PORT']}"], capture_output=True, text=True
    ).stdout.strip()
    assert not leftovers, "Ctrl-C left the proxy running"


def _assert_the_demo_is_served(banner: str, data_dir: Path, env: dict[str, str]) -> None:
    for step in ("==> Preparing the database", "==> Seeding the demo tenant", "Starting proxy…"):
        assert step in banner
    assert "embedded mode" in banner
    demo = json.loads((data_dir / "demo.json").read_text())
    for user, password in demo["passwords"].items():
        assert f"{user:<10} password {password}" in banner
    exported = (data_dir / "demo.env").read_text()
    assert f"export TOLLGATE_API_KEY={demo['production_key']}" in exported
    assert f"export TOLLGATE_GATEWAY=http://127.0.0.1:{env['PROXY_PORT']}" in exported
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
