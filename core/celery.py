"""The Celery app. In the embedded mode tasks run eagerly in-process (no broker)."""

import logging.config
import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging, task_postrun, worker_ready

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "core.settings")

app = Celery("tollgate")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["core"])


@setup_logging.connect
def _json_logging(**_: Any) -> None:
    """The worker and beat log through LOGGING's JSON formatter, not Celery's own handlers."""
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@worker_ready.connect
def _start_registry_sync(**_: Any) -> None:
    """The registry sync runs beside Celery in the worker's main process, not as a beat task:
    after a Redis restart the broker connection comes back only after a growing delay, and a
    lost registry must be republished within seconds."""
    from core.metrics.worker import serve
    from core.registry.sync import start_thread

    start_thread()
    serve()


@task_postrun.connect
def _count_task(**kwargs: Any) -> None:
    from core.metrics.worker import count_task

    count_task(**kwargs)
