"""Keep the registry store in step with the database, every half second, in the worker.

Each round: notice a lost store (Redis restarted without its data, or restored from an older
copy) and republish everything under a new generation, then apply the outbox. It runs in a
thread of its own (beside Celery, whose broker reconnects slowly after a Redis restart) or in
the embedded worker loop. One log line per state change, never per round.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from django.db import close_old_connections

from core import health
from core.registry import outbox, publisher
from core.registry.store import get_store

log = logging.getLogger(__name__)
INTERVAL = 0.5


@dataclass
class RegistrySync:
    seen_version: int = 0  # the highest committed version this process saw in the store
    seen_generation: bytes | None = None
    failing: bool = False

    def run_once(self) -> None:
        try:
            self._republish_if_lost()
            outbox.drain()
        except Exception as exc:
            if not self.failing:
                log.warning(
                    "registry store unavailable; changes stay queued until it answers",
                    extra={"event": "registry_sync_failing", "error": type(exc).__name__},
                )
            self.failing = True
        else:
            if self.failing:
                log.info("registry store in step again", extra={"event": "registry_sync_recovered"})
            self.failing = False
        self._beat()

    def _beat(self) -> None:
        """The worker's heartbeat (`manage.py worker --probe` reads it): this loop is alive."""
        try:
            health.beat({"registry_sync": "failing" if self.failing else "ok"})
        except OSError as exc:
            log.warning(
                "cannot write the worker heartbeat",
                extra={"event": "heartbeat_failed", "error": type(exc).__name__},
            )

    def _republish_if_lost(self) -> None:
        store = get_store()
        generation, version = store.generation(), store.current_version()
        behind = generation == self.seen_generation and version < self.seen_version
        if generation is not None and not behind:
            self.seen_generation, self.seen_version = generation, max(self.seen_version, version)
            return
        log.warning(
            "registry store lost its data; republishing everything",
            extra={"event": "registry_store_lost", "store_version": version},
        )
        report = publisher.rebuild()
        self.seen_generation = store.start_generation()
        self.seen_version = max(report.version, store.current_version())
        log.info(
            "registry republished",
            extra={"event": "registry_republished", "written": report.written},
        )


def run_forever(stop: threading.Event, interval: float = INTERVAL) -> None:
    sync = RegistrySync()
    while not stop.is_set():
        close_old_connections()  # a database restart must not leave this thread stuck
        sync.run_once()
        stop.wait(interval)


def start_thread() -> threading.Event:
    """Run the sync in a daemon thread of this process; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run_forever, args=(stop,), name="registry-sync", daemon=True).start()
    return stop
