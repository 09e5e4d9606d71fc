"""Publish compiled snapshots to the registry store; also the reconcile from the database.

Each publish runs in one transaction: in the embedded store the version counter's row lock is
held until the entry is written, so entries become visible in version order and a polling
proxy never skips one.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, replace

import orjson
from django.db import transaction

from core.knowledge.publish import publish_missing
from core.models import ApiKey, Deployment
from core.registry.compiler import active_keys, compile_deployment, compile_key, deployment_key_of
from core.registry.store import ABSENT, EntryName, RegistryStore, Stored, get_store
from proxy.public import DEPLOYMENT, KEY, contract

log = logging.getLogger(__name__)
REBUILD_BATCH = 200
Snapshot = contract.DeploymentSnapshot | contract.KeySnapshot
Change = tuple[EntryName, Snapshot | None]  # None: remove the entry


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


@dataclass(frozen=True, slots=True)
class RebuildReport:
    deployments: int  # live after the rebuild
    keys: int
    written: int  # entries the rebuild wrote or removed because they differed
    version: int  # the registry version after the rebuild


def rebuild(batch_size: int = REBUILD_BATCH) -> RebuildReport:
    """Reconcile the registry with the database (after a Redis loss, or periodically).

    Only entries that differ are written, `batch_size` per short transaction, each under the
    version lock; an entry that a publish changed since it was read is left to that publish.
    """
    store = get_store()
    stored = store.entries()
    wanted = _compile_everything()
    changes: list[Change] = [
        (name, snapshot)
        for name, snapshot in wanted.items()
        if _content(stored.get(name, ABSENT).body) != _content(snapshot.to_json())
    ]
    changes += [(name, None) for name, entry in stored.items() if entry.body and name not in wanted]
    written = sum(
        _write_batch(store, changes[start : start + batch_size], stored)
        for start in range(0, len(changes), batch_size)
    )
    report = RebuildReport(
        deployments=sum(1 for kind, _ in wanted if kind == DEPLOYMENT),
        keys=sum(1 for kind, _ in wanted if kind == KEY),
        written=written,
        version=store.current_version(),
    )
    log.info("registry rebuilt", extra={"event": "registry_rebuilt", **asdict(report)})
    publish_missing()  # knowledge indexes: compiled from chunks, republished only when lost
    return report


def _compile_everything() -> dict[EntryName, Snapshot]:
    """Every snapshot the database calls for, at version 0 (set when written)."""
    wanted: dict[EntryName, Snapshot] = {}
    for deployment in _deployments():
        snapshot = compile_deployment(deployment, 0)
        if snapshot is not None:
            wanted[(DEPLOYMENT, snapshot.key)] = snapshot
    for key in active_keys():
        key_snapshot = compile_key(key, 0)
        if key_snapshot is not None:
            wanted[(KEY, key.digest)] = key_snapshot
    return wanted


def _content(body: bytes) -> dict | None:
    """A stored snapshot without its version, to compare with a freshly compiled one."""
    if not body:
        return None
    data = orjson.loads(body)
    data.pop("version", None)
    return data


@transaction.atomic
def _write_batch(
    store: RegistryStore,
    batch: list[Change],
    stored: dict[EntryName, Stored],
) -> int:
    version = store.next_version()
    written = 0
    for (kind, key), snapshot in batch:
        expect = stored.get((kind, key), ABSENT)
        if snapshot is None:
            done = store.delete(kind, key, version, expect=expect)
        else:
            body = replace(snapshot, version=version).to_json()
            done = store.put(kind, key, body, version, expect=expect)
        written += int(done)
    return written
