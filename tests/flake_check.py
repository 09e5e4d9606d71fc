"""`make flake N=5`: run the end-to-end and browser tests N times in a row in each mode and
report every test that failed at least once, with how often.

The embedded mode runs without DATABASE_URL and REDIS_URL (as on a fresh machine); the
Postgres + Redis mode uses the DATABASE_URL and REDIS_URL of the environment. Extra arguments
go to pytest (e.g. `make flake N=3 PYTEST_ARGS="tests/e2e"`).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SELECTION = "e2e or browser"
MODES = ("embedded", "postgres+redis")


@dataclass
class ModeReport:
    mode: str
    runs: int = 0
    failed_runs: int = 0
    tests: int = 0
    seconds: list[float] = field(default_factory=list)
    failures: Counter = field(default_factory=Counter)


def mode_env(mode: str) -> dict[str, str]:
    env = dict(os.environ)
    if mode == "embedded":
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
    elif not (env.get("DATABASE_URL") and env.get("REDIS_URL")):
        sys.exit("The Postgres + Redis mode needs DATABASE_URL and REDIS_URL in the environment.")
    return env


def run_once(mode: str, report: ModeReport, junit: Path, workers: str, extra: list[str]) -> None:
    command = [sys.executable, "-m", "pytest", "-m", SELECTION, "-n", workers, "--dist", "loadfile",
               "-q", "-p", "no:cacheprovider", f"--junitxml={junit}", *extra]  # fmt: skip
    started = time.monotonic()
    result = subprocess.run(command, cwd=ROOT, env=mode_env(mode), check=False)
    report.seconds.append(time.monotonic() - started)
    report.runs += 1
    if not junit.exists():
        report.failed_runs += 1
        report.failures[f"(the run itself: pytest exited with {result.returncode})"] += 1
        return
    tests, failed = read_junit(junit)
    report.tests = max(report.tests, tests)
    report.failures.update(failed)
    if result.returncode != 0:
        report.failed_runs += 1
        if not failed:
            report.failures[f"(the run itself: pytest exited with {result.returncode})"] += 1


def read_junit(path: Path) -> tuple[int, list[str]]:
    """How many tests ran, and the ids of those that failed or errored."""
    failed, total = [], 0
    for case in ET.parse(path).getroot().iter("testcase"):
        total += 1
        if case.find("failure") is not None or case.find("error") is not None:
            failed.append(f"{case.get('classname')}::{case.get('name')}")
    return total, failed


def print_report(reports: list[ModeReport]) -> None:
    print("\n== Flake check: end-to-end and browser tests ==")
    for report in reports:
        times = ", ".join(f"{s:.0f}" for s in report.seconds)
        print(
            f"{report.mode}: {report.runs} runs of {report.tests} tests, "
            f"{report.failed_runs} failed runs; seconds per run: {times}"
        )
        for test, count in report.failures.most_common():
            print(f"  {count}/{report.runs}  {test}")
    total = sum(sum(r.failures.values()) for r in reports)
    print(f"Failures: {total}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--modes", default=",".join(MODES), help="comma-separated: " + ", ".join(MODES)
    )
    parser.add_argument("--workers", default=os.environ.get("TEST_WORKERS", "auto"))
    args, extra = parser.parse_known_args()
    modes = [mode for mode in args.modes.split(",") if mode]
    for mode in modes:
        if mode not in MODES:
            parser.error(f"unknown mode {mode!r}")
        mode_env(mode)  # refuse early, not after the first mode's runs
    reports = [ModeReport(mode) for mode in modes]
    with tempfile.TemporaryDirectory(prefix="tollgate-flake-") as scratch:
        for report in reports:
            for index in range(args.runs):
                print(f"\n== {report.mode}: run {index + 1} of {args.runs} ==", flush=True)
                junit = Path(scratch) / f"{report.mode}-{index}.xml"
                run_once(report.mode, report, junit, args.workers, extra)
    print_report(reports)
    return 1 if any(r.failed_runs for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
