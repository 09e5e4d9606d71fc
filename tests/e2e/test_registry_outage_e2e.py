"""A key revoked while Redis is down: refused on every proxy within seconds of Redis's return.

Real processes: a redis-server of the test's own (killed with SIGKILL), the worker (Celery with
its registry sync), three proxies and the mock provider. The revocation commits in this process
while Redis is down, so it can only reach the proxies through the registry outbox.
"""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
import redis

from core.processes import Supervisor, worker_spec
from core.registry import outbox, publisher
from core.registry.store import RedisStore
from core.services import access
from proxy.public import RedisNames
from tests.core.builders import deploy, make_api, move_to, subscribe_with_key
from tests.proxy.support import Process, start_mock, start_proxies
from tests.support.services import RedisServer, worker_redis_prefix
from tests.support.stack import database_url_of

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PROXIES = 3
REFUSED_WITHIN = 5.0  # seconds after Redis answers again


def chat_status(proxy: Process, tenant: str, route: str, key: str) -> int:
    response = httpx.post(
        f"{proxy.url}/t/{tenant}/{route}/chat/completions",
        json={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]},
        headers={"Authorization": f"Bearer {key}"},
        timeout=10,
    )
    return response.status_code


def wait_all(proxies, predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not all(predicate(proxy) for proxy in proxies):
        assert time.monotonic() < deadline, "not every proxy got there"
        time.sleep(0.05)


@pytest.mark.parametrize("redis_returns", ["empty", "with its data"])
def test_key_revoked_during_outage_is_refused_soon_after_redis_returns(
    personas, monkeypatch, tmp_path: Path, redis_returns: str
):
    from django.conf import settings
    from django.db import connection

    server = RedisServer(tmp_path, persistent=redis_returns == "with its data")
    server.start()
    client = redis.Redis.from_url(server.url, socket_connect_timeout=1, socket_timeout=2)
    store = RedisStore(client, RedisNames(worker_redis_prefix()))
    monkeypatch.setattr(publisher, "get_store", lambda: store)
    database_url = database_url_of(connection.settings_dict)
    env = {
        "DATABASE_URL": database_url,
        "REDIS_URL": server.url,
        "TOLLGATE_DATA_DIR": str(tmp_path),
        "ALLOW_PRIVATE_UPSTREAMS": "true",
        "ALLOW_HTTP_UPSTREAMS": "true",
        "PYTHONUNBUFFERED": "1",
    }
    supervisor = Supervisor(env=env, log_dir=tmp_path)
    mock = start_mock(tmp_path)
    proxies: list[Process] = []
    try:
        supervisor.start(worker_spec())
        api = make_api(personas.tenant, personas.creator, url=mock.url + "/openai/v1")
        api = move_to(api, "PUBLISHED", personas.publisher)
        deployment = deploy(api, personas.publisher)
        consumer = subscribe_with_key(personas.tenant, personas.subscriber, api)
        route = deployment.revision.config["route"]
        proxies = start_proxies(
            PROXIES,
            tmp_path,
            REDIS_URL=server.url,
            DATABASE_URL=database_url,
            SECRET_KEY=settings.SECRET_KEY,
            TOLLGATE_KEY_PEPPER=settings.TOLLGATE_KEY_PEPPER,
            TOLLGATE_FERNET_KEYS=",".join(settings.TOLLGATE_FERNET_KEYS),
        )
        slug, key = personas.tenant.slug, consumer.plaintext
        wait_all(proxies, lambda p: chat_status(p, slug, route, consumer.plaintext) == 200)

        server.kill()
        access.revoke_key(key=consumer.key, actor=personas.subscriber)
        assert outbox.pending() >= 1  # committed, not applied: Redis is down
        # During the outage each proxy keeps its cached key (the documented bound).
        assert all(chat_status(p, slug, route, consumer.plaintext) == 200 for p in proxies)

        server.start()
        back = time.monotonic()
        refused_after: dict[int, float] = {}
        while len(refused_after) < PROXIES and time.monotonic() - back < 30:
            for index, proxy in enumerate(proxies):
                status = 0 if index in refused_after else chat_status(proxy, slug, route, key)
                if status in (401, 503):
                    refused_after[index] = time.monotonic() - back
            time.sleep(0.05)
        print(f"refused after Redis returned {redis_returns}: {refused_after}")
        assert len(refused_after) == PROXIES
        assert max(refused_after.values()) <= REFUSED_WITHIN
        wait_all(proxies, lambda p: chat_status(p, slug, route, consumer.plaintext) == 401)
        assert outbox.pending() == 0
    finally:
        for proxy in proxies:
            proxy.stop()
        supervisor.stop_all()
        mock.stop()
        server.stop()
        client.close()
