"""The registry outbox: changes recorded with the data they follow, applied to the store later.

`record` writes a row in the caller's transaction, so a change the database committed can no
longer be lost by a store that is down at that moment. `drain` applies the rows in id order and
deletes them in the same transaction; a failure rolls back and leaves them for the next drain
(the web tries right after commit, the worker every half second). Drains take the rows with
SELECT … FOR UPDATE, so two drainers run one after the other: a later snapshot is never
overwritten by an earlier one. Applying recompiles from the database, so a row applied twice
does no harm.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction

from core.models import RegistryChange
from core.registry import publisher

log = logging.getLogger(__name__)
BATCH = 200

ACTIONS: dict[str, Callable[[str], None]] = {
    "deployment": lambda ref: publisher.publish_deployment(int(ref)),
    "api": lambda ref: publisher.publish_api(int(ref)),
    "remove_deployment": publisher.remove_deployment,
    "application_keys": lambda ref: publisher.publish_application_keys(int(ref)),
    "remove_key": publisher.remove_key,
}


def record(action: str, ref: str | int) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown registry action {action!r}")
    RegistryChange.objects.create(action=action, ref=str(ref))


def pending() -> int:
    return RegistryChange.objects.count()


def drain(batch_size: int = BATCH) -> int:
    """Apply every recorded change; return how many rows were applied. Raises when the store
    fails (the rows stay for the next drain)."""
    applied = 0
    while True:
        done = _drain_batch(batch_size)
        if not done:
            return applied
        applied += done


@transaction.atomic
def _drain_batch(batch_size: int) -> int:
    rows = list(RegistryChange.objects.select_for_update().order_by("id")[:batch_size])
    # A burst on one entry publishes it once, at the place of its last change.
    last = {(row.action, row.ref): index for index, row in enumerate(rows)}
    for action, ref in sorted(last, key=last.__getitem__):
        ACTIONS[action](ref)
    RegistryChange.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)
