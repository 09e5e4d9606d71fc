"""Run the background worker: Celery when Redis is configured, else a local loop.

With Redis the worker also runs the beat schedule unless `--without-beat` (then run exactly one
`manage.py beat` beside any number of workers, as compose.yaml and deploy/k8s do)."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand

log = logging.getLogger("tollgate.worker")
HEARTBEAT_MAX_AGE = 30.0  # seconds; the worker beats every half second


class Command(BaseCommand):
    help = (
        "Run the background worker (usage ingestion, rollups, registry sync and reconcile); "
        "--probe checks a running worker's heartbeat."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--concurrency", type=int, default=2)
        parser.add_argument(
            "--without-beat",
            action="store_true",
            help="Do not run the periodic schedule here (a separate `manage.py beat` does).",
        )
        parser.add_argument(
            "--probe",
            action="store_true",
            help="Exit 0 if a worker wrote its heartbeat within --max-age seconds, else 1.",
        )
        parser.add_argument("--max-age", type=float, default=HEARTBEAT_MAX_AGE)

    def handle(
        self,
        *args,
        concurrency: int,
        without_beat: bool = False,
        probe: bool = False,
        max_age: float = HEARTBEAT_MAX_AGE,
        **options,
    ) -> None:
        if probe:
            self._probe(max_age)
        from core.metrics.worker import prepare_shared_dir, serve

        if settings.REDIS_URL:
            prepare_shared_dir()  # before Celery forks its pool
            argv = [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "core.celery",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={concurrency}",
                "--without-gossip",
                "--without-mingle",
            ]
            if not without_beat:
                argv += ["-B", "-s", str(settings.DATA_DIR / "celerybeat-schedule")]
            os.execv(sys.executable, argv)
        serve()
        self._embedded_loop()

    def _probe(self, max_age: float) -> None:
        from core.health import heartbeat_age

        age = heartbeat_age()
        if age is None or age > max_age:
            seen = "never" if age is None else f"{age:.0f} s ago"
            self.stderr.write(f"worker unhealthy: last heartbeat {seen} (limit {max_age:.0f} s)")
            sys.exit(1)
        self.stdout.write(f"worker healthy: last heartbeat {age:.1f} s ago")
        sys.exit(0)

    def _embedded_loop(self) -> None:
        from core.tasks import EMBEDDED_SCHEDULE

        running = True

        def stop(*_args) -> None:
            nonlocal running
            running = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        self.stdout.write("Worker running in embedded mode (no Redis): periodic tasks in-process.")
        due = dict.fromkeys((task for task, _ in EMBEDDED_SCHEDULE), 0.0)
        while running:
            now = time.monotonic()
            for task, interval in EMBEDDED_SCHEDULE:
                if now >= due[task]:
                    due[task] = now + interval
                    self._run(task)
            time.sleep(0.5)

    def _run(self, task) -> None:
        from core.metrics.tasks import task_counters

        try:
            task()
        except Exception:  # keep the loop alive; the next round retries
            log.exception("periodic task failed", extra={"event": "task_failed", "task": task.name})
            task_counters().count(task.name, failed=True)
        else:
            task_counters().count(task.name, failed=False)
