"""Fixtures for the core tests."""

import pytest

from core.registry import publisher
from core.registry.store import DatabaseStore, RedisStore
from tests.core.registry_reader import Registry


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The personas' passwords need no real hashing work in tests."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(params=["embedded", "redis"])
def registry(request, monkeypatch) -> Registry:
    """The registry in both modes, whichever mode the suite runs in."""
    if request.param == "redis":
        target = request.getfixturevalue("fresh_redis")
        client = target.client()
        store = RedisStore(client, target.names)
        reader = Registry("redis", client, target.names)
    else:
        store, reader = DatabaseStore(), Registry("embedded")
    monkeypatch.setattr(publisher, "get_store", lambda: store)
    monkeypatch.setattr("core.management.commands.registry.get_store", lambda: store)
    yield reader
    if reader.client is not None:
        reader.client.close()
