"""Every command in the README runs as written, in order, against a running `make up`.

The README's `sh` and `python` blocks are run one after another in one bash session (Python
blocks with the project's interpreter), in a directory whose `var/` is the demo's data directory,
after `make up` (embedded mode, on free ports) printed its banner. A block preceded by
`<!-- readme-test: not run: <why> -->` is illustrative (an alternative setup, the commands
this test itself runs) and is skipped.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from core.processes import ROOT
from tests.e2e.test_make_up import embedded_env, wait_for_banner

pytestmark = pytest.mark.e2e

README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.S | re.M)
NOT_RUN = re.compile(r"^<!-- readme-test: not run: (.+) -->$")
RUNNABLE = {"sh", "python"}
MAKE_VARIABLES = {"MAKEFLAGS", "MAKELEVEL", "MFLAGS"}  # from a `make test` around the suite


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


def test_every_block_is_runnable_or_marked_illustrative() -> None:
    blocks = readme_blocks()
    assert {b.language for b in blocks} <= RUNNABLE, "a block in an unknown language"
    runnable = [b for b in blocks if b.not_run is None]
    assert [b.language for b in runnable] == ["sh", "python"]  # the gateway calls
    assert all(b.not_run for b in blocks if "make up" in b.code)


def test_readme_blocks_run_as_written_against_make_up(tmp_path: Path) -> None:
    data_dir = tmp_path / "var"  # so the README's `var/demo.env` is the demo's
    env = {k: v for k, v in embedded_env(data_dir).items() if k not in MAKE_VARIABLES}
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
        banner = wait_for_banner(make_up, timeout=180)
        assert "==> Preparing the database" in banner and "Starting proxy…" in banner
        assert "export TOLLGATE_KEY=" in (data_dir / "demo.env").read_text()
        blocks = [b for b in readme_blocks() if b.not_run is None]
        result = subprocess.run(
            ["bash", "-c", script_of(blocks)],
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
    assert result.returncode == 0, result.stdout + result.stderr
    answer = "Hello from the mock provider"  # the demo upstream's reply, printed by each call
    assert result.stdout.count(answer) == 2, result.stdout
    assert "total_tokens" in result.stdout
