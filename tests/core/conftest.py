"""Fixtures for the core tests."""

import os

import pytest
import redis

from core.registry import publisher
from core.registry.store import DatabaseStore, RedisStore
from tests.core.registry_reader import Registry


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The personas' passwords need no real hashing work in tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(params=["embedded", "redis"])
def registry(request, monkeypatch) -> Registry:
    """The registry in both modes; the Redis one needs REDIS_URL (CI always sets it)."""
    if request.param == "redis":
        url = os.environ.get("REDIS_URL")
        if not url:
            pytest.skip("Redis mode needs REDIS_URL")
        client = redis.Redis.from_url(url)
        store = RedisStore(client)
        reader = Registry("redis", client)
    else:
        store, reader = DatabaseStore(), Registry("embedded")
    monkeypatch.setattr(publisher, "get_store", lambda: store)
    monkeypatch.setattr("core.management.commands.registry.get_store", lambda: store)
    yield reader
    if reader.client is not None:
        reader.client.close()
