"""The control plane's Redis client gives up on a Redis that accepts connections and never
answers: the registry store raises a timeout instead of holding the request for ever."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
import redis

from core.registry.store import get_store

DEADLINE = 60  # seconds: only a hang runs into it (the client gives up after 0.3)


@pytest.fixture
def hung_redis() -> Iterator[str]:
    """A listening socket nobody reads: connections are accepted by the kernel, then silence."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"


@pytest.fixture
def store_on(settings, hung_redis: str):
    settings.REDIS_URL = hung_redis
    settings.REDIS_CLIENT_OPTIONS = {"socket_connect_timeout": 0.3, "socket_timeout": 0.3}
    get_store.cache_clear()
    yield get_store()
    get_store.cache_clear()


def outcome_of(action) -> list[BaseException | object]:
    """What `action` raised or returned, run in a thread so a hang fails instead of blocking."""
    results: list[BaseException | object] = []

    def run() -> None:
        try:
            results.append(action())
        except BaseException as exc:  # the outcome is what the test inspects
            results.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(DEADLINE)
    assert not thread.is_alive(), "the Redis call hung"
    return results


def test_a_hung_redis_times_out_reads(store_on):
    [result] = outcome_of(store_on.current_version)
    assert isinstance(result, redis.TimeoutError)


def test_a_hung_redis_times_out_publishing(store_on):
    [result] = outcome_of(lambda: store_on.put("key", "digest", b"{}", 1))
    assert isinstance(result, redis.TimeoutError)
