"""Publish compiled snapshots to the registry store; also the full rebuild from Postgres.

Each publish runs in one transaction: in the embedded store the version counter's row lock is
held until the entry is written, so entries become visible in version order and a polling
proxy never skips one.
"""

from __future__ import annotations

import logging

from django.db import transaction

from core.models import ApiKey, Deployment
from core.registry.compiler import active_keys, compile_deployment, compile_key, deployment_key_of
from core.registry.store import get_store
from proxy.public import DEPLOYMENT, KEY

log = logging.getLogger(__name__)


def _deployments():
    return Deployment.objects.select_related("api__tenant", "api", "revision", "environment")


@transaction.atomic
def publish_deployment(deployment_id: int) -> None:
    deployment = _deployments().filter(pk=deployment_id).first()
    if deployment is None:
        return
    store = get_store()
    version = store.next_version()
    snapshot = compile_deployment(deployment, version)
    key = deployment_key_of(deployment)
    if snapshot is None:
        store.delete(DEPLOYMENT, key, version)
    else:
        store.put(DEPLOYMENT, key, snapshot.to_json(), version)


def publish_api(api_id: int) -> None:
    for deployment_id in Deployment.objects.filter(api_id=api_id).values_list("pk", flat=True):
        publish_deployment(deployment_id)


@transaction.atomic
def remove_deployment(key: str) -> None:
    store = get_store()
    store.delete(DEPLOYMENT, key, store.next_version())


@transaction.atomic
def publish_key(key_id: int) -> None:
    key = ApiKey.objects.select_related("application", "tenant").filter(pk=key_id).first()
    if key is None:
        return
    store = get_store()
    version = store.next_version()
    snapshot = compile_key(key, version)
    if snapshot is None:
        store.delete(KEY, key.digest, version)
    else:
        store.put(KEY, key.digest, snapshot.to_json(), version)


@transaction.atomic
def remove_key(digest: str) -> None:
    store = get_store()
    store.delete(KEY, digest, store.next_version())


def publish_application_keys(application_id: int) -> None:
    for key_id in ApiKey.objects.filter(application_id=application_id).values_list("pk", flat=True):
        publish_key(key_id)


@transaction.atomic
def rebuild() -> dict[str, int]:
    """Recreate every snapshot from Postgres (after a Redis loss, or to reconcile)."""
    store = get_store()
    version = store.next_version()
    entries: dict[tuple[str, str], bytes] = {}
    for deployment in _deployments():
        snapshot = compile_deployment(deployment, version)
        if snapshot is not None:
            entries[(DEPLOYMENT, snapshot.key)] = snapshot.to_json()
    for key in active_keys():
        key_snapshot = compile_key(key, version)
        if key_snapshot is not None:
            entries[(KEY, key.digest)] = key_snapshot.to_json()
    store.replace_all(entries, version)
    counts = {
        "deployments": sum(1 for kind, _ in entries if kind == DEPLOYMENT),
        "keys": sum(1 for kind, _ in entries if kind == KEY),
        "version": version,
    }
    log.info("registry rebuilt", extra={"event": "registry_rebuilt", **counts})
    return counts
