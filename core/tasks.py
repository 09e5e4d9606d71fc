"""Background work: usage ingestion, rollups, registry reconcile and key expiry.

Tasks take ids (or nothing) and are safe to run twice. With Redis they run in the Celery worker
on the beat schedule below; in the embedded mode `manage.py worker` runs the same functions in a
loop.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import cache

from django.utils import timezone

from core.celery import app

log = logging.getLogger(__name__)


@app.task(name="tollgate.ingest_usage")
def ingest_usage() -> int:
    from core.ingest import drain_usage_stream

    return drain_usage_stream()


@app.task(name="tollgate.rollup_usage")
def rollup_usage() -> int:
    from core.rollups import roll_up_pending

    return roll_up_pending()


@app.task(name="tollgate.reconcile_registry")
def reconcile_registry() -> dict:
    from dataclasses import asdict

    from core.registry.publisher import rebuild

    return asdict(rebuild())


@app.task(name="tollgate.sync_registry")
def sync_registry() -> None:
    """One round of the registry sync (the embedded loop; with Celery it has its own thread)."""
    _registry_sync().run_once()


@cache
def _registry_sync():
    from core.registry.sync import RegistrySync

    return RegistrySync()


@app.task(name="tollgate.expire_keys")
def expire_keys(window_seconds: int = 120) -> int:
    """Withdraw the snapshots of keys that expired recently (the proxy also checks expiry)."""
    from core.models import ApiKey
    from core.registry import outbox

    now = timezone.now()
    expired = ApiKey.objects.filter(
        expires_at__lte=now, expires_at__gt=now - timedelta(seconds=window_seconds)
    )
    count = 0
    for digest in expired.values_list("digest", flat=True):
        outbox.record("remove_key", digest)  # applied by the registry sync, retried until then
        count += 1
    return count


@app.task(name="tollgate.check_budgets")
def check_budgets() -> int:
    from core.costs.alerts import check_budgets as check

    return check()


app.conf.beat_schedule = {
    "ingest-usage": {"task": "tollgate.ingest_usage", "schedule": 1.0},
    "rollup-usage": {"task": "tollgate.rollup_usage", "schedule": 10.0},
    "expire-keys": {"task": "tollgate.expire_keys", "schedule": 60.0},
    "check-budgets": {"task": "tollgate.check_budgets", "schedule": 30.0},
    "reconcile-registry": {"task": "tollgate.reconcile_registry", "schedule": 300.0},
}

# What the embedded worker loop runs, and how often (seconds).
EMBEDDED_SCHEDULE = (
    (sync_registry, 0.5),
    (rollup_usage, 10.0),
    (expire_keys, 60.0),
    (check_budgets, 30.0),
    (reconcile_registry, 300.0),
)


@app.task(name="tollgate.ingest_document")
def ingest_document(document_id: int) -> None:
    """Extract, chunk and embed one uploaded document, then republish its collection."""
    from core.knowledge.ingest import ingest_document as ingest

    ingest(document_id)
