"""Start, watch and stop the platform's processes (used by `make up` and end-to-end tests).

Everything started here is an installed package (core, proxy, demo_upstream), never a test
module, so `make up` and the image run the same commands.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class ProcessSpec:
    name: str
    argv: list[str]
    health_url: str | None = None
    env: dict[str, str] = field(default_factory=dict)


def web_spec(port: int) -> ProcessSpec:
    return ProcessSpec(
        "web",
        [
            sys.executable,
            "-m",
            "uvicorn",
            "core.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--no-access-log",
            "--lifespan",
            "off",
        ],
        f"http://127.0.0.1:{port}/healthz",
    )


def proxy_spec(port: int) -> ProcessSpec:
    return ProcessSpec(
        "proxy",
        [sys.executable, "-m", "proxy", "--host", "127.0.0.1", "--port", str(port)],
        f"http://127.0.0.1:{port}/healthz",
    )


def demo_upstream_spec(port: int) -> ProcessSpec:
    """The demo upstream: the installed `demo_upstream` package, a stand-in for the vendors."""
    return ProcessSpec(
        "demo-upstream",
        [sys.executable, "-m", "demo_upstream", "--host", "127.0.0.1", "--port", str(port)],
        f"http://127.0.0.1:{port}/_mock/health",
    )


def worker_spec() -> ProcessSpec:
    return ProcessSpec("worker", [sys.executable, "manage.py", "worker"])


class Supervisor:
    """Runs a set of processes; stops them all (SIGTERM, then SIGKILL) on exit."""

    def __init__(self, env: dict[str, str] | None = None, log_dir: Path | None = None) -> None:
        self.env = {**os.environ, **(env or {})}
        self.log_dir = log_dir
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, spec: ProcessSpec, timeout: float = 60.0) -> subprocess.Popen:
        out = None
        if self.log_dir:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            out = open(self.log_dir / f"{spec.name}.log", "ab")  # noqa: SIM115 - closed below
        proc = subprocess.Popen(
            spec.argv,
            cwd=ROOT,
            env={**self.env, **spec.env},
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
            start_new_session=True,
        )
        if out:
            out.close()  # the child holds its own descriptor; ours would leak (ResourceWarning)
        self.procs[spec.name] = proc
        if spec.health_url:
            self._wait_healthy(spec.name, spec.health_url, proc, timeout)
        return proc

    def _wait_healthy(
        self, name: str, url: str, proc: subprocess.Popen[bytes], timeout: float
    ) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode} while starting")
            try:
                if httpx.get(url, timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{name} did not become healthy at {url}")

    def stop(self, name: str, timeout: float = 10.0) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def stop_all(self) -> None:
        for name in reversed(list(self.procs)):
            self.stop(name)

    def wait_any(self) -> str:
        """Block until one process exits; returns its name."""
        while True:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    return name
            time.sleep(0.5)
