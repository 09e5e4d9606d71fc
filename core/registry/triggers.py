"""Record the registry changes a data change calls for, in the same transaction.

Services call these inside their transaction: each writes a row to the registry outbox, so the
change reaches the store exactly when the data commits, and is never lost if the store is down
then. Right after commit this process applies the outbox; if the store fails, the worker keeps
retrying every half second until it is applied (core.registry.sync).
"""

from __future__ import annotations

import logging

from django.db import transaction

from core.models import Deployment, Subscription
from core.registry import outbox
from core.registry.compiler import deployment_key_of

log = logging.getLogger(__name__)


def _apply_after_commit() -> None:
    try:
        outbox.drain()
    except Exception as exc:  # committed and recorded: the worker applies it when it can
        log.warning(
            "registry store unavailable; the change is queued and the worker will apply it",
            extra={"event": "registry_publish_queued", "error": type(exc).__name__},
        )


def _record(action: str, ref: str | int) -> None:
    outbox.record(action, ref)
    transaction.on_commit(_apply_after_commit)


def republish_deployment(deployment_id: int) -> None:
    _record("deployment", deployment_id)


def republish_api(api_id: int) -> None:
    _record("api", api_id)


def unpublish_deployment(deployment: Deployment) -> None:
    _record("remove_deployment", deployment_key_of(deployment))


def unpublish_api_deployments(api) -> None:
    for deployment in api.deployments.select_related("api__tenant", "revision", "environment"):
        unpublish_deployment(deployment)


def republish_application_keys(application_id: int) -> None:
    _record("application_keys", application_id)


def unpublish_key(digest: str) -> None:
    _record("remove_key", digest)


def republish_plan_keys(plan_id: int) -> None:
    app_ids = set(
        Subscription.objects.filter(plan_id=plan_id).values_list("application_id", flat=True)
    )
    for app_id in app_ids:
        republish_application_keys(app_id)
