"""Republish affected snapshots when the surrounding transaction commits.

Services call these inside their transaction; nothing reaches the proxy unless the change
commits. A failed publish is logged and healed by the worker's periodic reconcile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from django.db import transaction

from core.models import Deployment, Subscription
from core.registry import publisher
from core.registry.compiler import deployment_key_of

log = logging.getLogger(__name__)


def _on_commit(func: Callable[[], None]) -> None:
    def run() -> None:
        try:
            func()
        except Exception:  # the registry heals on the next reconcile; the write has committed
            log.exception(
                "registry publish failed; the next reconcile will repair it",
                extra={"event": "registry_publish_failed"},
            )

    transaction.on_commit(run)


def republish_deployment(deployment_id: int) -> None:
    _on_commit(partial(publisher.publish_deployment, deployment_id))


def republish_api(api_id: int) -> None:
    _on_commit(partial(publisher.publish_api, api_id))


def unpublish_deployment(deployment: Deployment) -> None:
    _on_commit(partial(publisher.remove_deployment, deployment_key_of(deployment)))


def unpublish_api_deployments(api) -> None:
    for deployment in api.deployments.select_related("api__tenant", "revision", "environment"):
        unpublish_deployment(deployment)


def republish_application_keys(application_id: int) -> None:
    _on_commit(partial(publisher.publish_application_keys, application_id))


def unpublish_key(digest: str) -> None:
    _on_commit(partial(publisher.remove_key, digest))


def republish_plan_keys(plan_id: int) -> None:
    app_ids = set(
        Subscription.objects.filter(plan_id=plan_id).values_list("application_id", flat=True)
    )
    for app_id in app_ids:
        republish_application_keys(app_id)
