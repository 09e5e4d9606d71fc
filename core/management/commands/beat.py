"""`manage.py beat`: the one Celery beat of a deployment (workers run `--without-beat`).

It queues a registry reconcile as it starts, so a fresh or restarted deployment does not wait
for the first scheduled one (every 300 s) to repair a publish that failed while it was down.
"""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

RECONCILE = "tollgate.reconcile_registry"


class Command(BaseCommand):
    help = "Run the periodic schedule (Celery beat); exactly one per deployment."

    def handle(self, *args, **options) -> None:
        if not settings.REDIS_URL:
            raise CommandError(
                "beat needs Redis (REDIS_URL); in the embedded mode `manage.py worker` runs "
                "the schedule itself."
            )
        from core.celery import app

        app.send_task(RECONCILE)
        self.stdout.write("Queued a registry reconcile; starting the beat schedule.")
        schedule = str(settings.DATA_DIR / "celerybeat-schedule")
        argv = [sys.executable, "-m", "celery", "-A", "core.celery", "beat",
                "--loglevel=INFO", "-s", schedule]  # fmt: skip
        os.execv(sys.executable, argv)
