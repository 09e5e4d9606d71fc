"""Writers of the embedded registry run at the same time (web, worker, several threads) and
never fail on the database lock, whatever the engine: SQLite transactions take the write lock
when they begin and wait for it; Postgres serialises them on the version counter's row."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from core.models import RegistryEntry
from core.registry.store import DatabaseStore

WRITERS, WRITES = 4, 25


def write_many(writer: int, errors: list[BaseException]) -> None:
    store = DatabaseStore()
    try:
        for index in range(WRITES):
            with transaction.atomic():
                store.entries()  # read first, then write: the upgrade that used to fail
                version = store.next_version()
                store.put("key", f"digest-{writer}-{index}", b"{}", version)
    except BaseException as exc:  # reported by the test, not lost in the thread
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_registry_writers_never_fail_on_the_lock() -> None:
    errors: list[BaseException] = []
    threads = [threading.Thread(target=write_many, args=(n, errors)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    versions = list(RegistryEntry.objects.values_list("version", flat=True))
    assert len(versions) == len(set(versions)) == WRITERS * WRITES
