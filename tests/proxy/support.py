"""Test helpers for the proxy: snapshot builders, registry writers, and real processes."""

from __future__ import annotations

import itertools
import os
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import cast

import httpx
import orjson
import redis

from proxy.contract import (
    Auth,
    DeploymentSnapshot,
    Endpoint,
    KeySnapshot,
    Operation,
    RedisNames,
    SubscriptionGrant,
    Vendor,
    deployment_key,
)
from proxy.crypto import KeyRing, key_digest
from proxy.providers.common.translating import TranslatingDriver
from proxy.providers.registry import CatalogEntry, builtin_catalog, driver_class
from tests.support.readiness import wait_for_registry
from tests.support.services import free_port, worker_redis_prefix

__all__ = ["free_port"]  # the tests' port allocator, re-exported for the proxy tests

REPO = Path(__file__).resolve().parents[2]
SECRET = "proxy-test-secret"
KEYRING = KeyRing([], SECRET)
_versions = itertools.count(1)
_ids = itertools.count(1000)

# The built-in vendors as the catalog has them (the vendor registry), by the tests' short names.
SHORT_NAMES = {"azure-openai": "azure", "openai-compatible": "compatible"}


def vendor_of(entry: CatalogEntry) -> Vendor:
    auth = Auth("header", entry.auth_name, entry.auth_prefix)
    return Vendor(
        entry.slug,
        entry.name,
        entry.version,
        entry.driver,
        auth,
        dict(entry.usage_paths),
        dict(entry.settings),
    )


VENDORS = {SHORT_NAMES.get(entry.slug, entry.slug): vendor_of(entry) for entry in builtin_catalog()}
# An OpenAI-compatible server that takes no key: configuration of the OpenAI driver.
VENDORS["compatible"] = replace(VENDORS["compatible"], auth=Auth("none", "", ""))
# Those whose driver translates OpenAI's format (the unified surface) to the vendor's own.
TRANSLATED = [
    name
    for name, vendor in VENDORS.items()
    if issubclass(cast(type, driver_class(vendor.driver)), TranslatingDriver)
]
OPERATIONS = (
    Operation("POST", "/chat/completions"),
    Operation("POST", "/completions"),
    Operation("POST", "/embeddings"),
    Operation("GET", "/models"),
    Operation("GET", "/models/{model}"),
)
MOCK_PATHS = {
    "openai": "/openai/v1",
    "azure": "/azure",
    "mistral": "/mistral/v1",
    "anthropic": "/anthropic",
    "gemini": "/gemini",
    "cohere": "/cohere",
    "compatible": "/compatible/v1",
}


def next_id() -> int:
    return next(_ids)


def provider_key(name: str) -> str:
    return f"sk-provider-{name}-{next_id()}"


def make_deployment(
    mock_url: str,
    *,
    vendor: str = "openai",
    tenant: str = "default",
    tenant_id: int = 1,
    lifecycle: str = "PUBLISHED",
    production_key: str | None = None,
    sandbox_key: str | None = None,
    production_url: str | None = None,
    endpoint_settings: dict | None = None,
    request_size_limit: int | None = None,
    route: str | None = None,
    operations: tuple[Operation, ...] = OPERATIONS,
) -> DeploymentSnapshot:
    """A deployment of a fresh API on the mock provider (production, and sandbox if keyed)."""
    api_id = next_id()
    url = production_url or mock_url + MOCK_PATHS[vendor]
    production = Endpoint(
        url, KEYRING.encrypt(production_key or provider_key("prod")), endpoint_settings or {}
    )
    sandbox = None
    if sandbox_key:
        sandbox = Endpoint(
            mock_url + MOCK_PATHS[vendor], KEYRING.encrypt(sandbox_key), endpoint_settings or {}
        )
    return DeploymentSnapshot(
        version=next(_versions),
        environment="default",
        tenant_id=tenant_id,
        tenant_slug=tenant,
        api_id=api_id,
        api_uuid=f"uuid-{api_id}",
        api_name=f"api-{api_id}",
        api_version="1.0.0",
        route=route or f"api{api_id}/1.0.0",
        revision_id=api_id * 10,
        revision_number=1,
        lifecycle_state=lifecycle,
        api_type="native",
        vendor=VENDORS[vendor],
        operations=operations,
        production=production,
        sandbox=sandbox,
        request_size_limit=request_size_limit,
    )


def make_key(
    *,
    subscriptions: dict[int, str] | None = None,
    key_type: str = "production",
    tenant: str = "default",
    tenant_id: int = 1,
    expires_at: float | None = None,
) -> tuple[str, KeySnapshot]:
    """A caller key (plain text) and its snapshot; subscriptions maps api_id -> status."""
    key_id = next_id()
    plain = f"tg_{key_type[0]}_{key_id:012d}secret{key_id}"
    grants = {
        str(api_id): SubscriptionGrant(key_id * 10 + i, 1, "Unlimited", status)
        for i, (api_id, status) in enumerate((subscriptions or {}).items())
    }
    snapshot = KeySnapshot(
        version=next(_versions),
        digest=key_digest(SECRET, plain),
        key_id=key_id,
        tenant_id=tenant_id,
        tenant_slug=tenant,
        application_id=key_id + 1,
        application_name=f"app-{key_id}",
        key_type=key_type,
        expires_at=expires_at,
        subscriptions=grants,
    )
    return plain, snapshot


def with_lifecycle(deployment: DeploymentSnapshot, state: str) -> DeploymentSnapshot:
    return replace(deployment, lifecycle_state=state, version=next(_versions))


class RedisRegistry:
    """Writes snapshots the way core/registry does: store, raise the committed version, then
    PUBLISH an invalidation carrying it (under this worker's Redis prefix)."""

    def __init__(self, url: str, names: RedisNames | None = None) -> None:
        self.url = url
        self.client = redis.Redis.from_url(url)
        self.names = names or RedisNames(worker_redis_prefix())

    def _commit(self, kind: str, key: str) -> None:
        # A microsecond clock as the floor, as core's store does: versions keep growing even
        # after Redis lost everything.
        version = max(self.client.incr(self.names.version), time.time_ns() // 1000)
        self.client.set(self.names.version, version)
        self.client.set(self.names.committed, version)
        notice = {"kind": kind, "key": key, "version": version}
        self.client.publish(self.names.invalidations, orjson.dumps(notice))

    @property
    def version(self) -> int:
        """The registry version after the last write: a proxy reporting it has applied it."""
        return int(self.client.get(self.names.committed) or 0)

    def put_deployment(self, snapshot: DeploymentSnapshot) -> None:
        self.client.hset(self.names.deployments, snapshot.key, snapshot.to_json())
        self._commit("deployment", snapshot.key)

    def remove_deployment(self, snapshot: DeploymentSnapshot) -> None:
        self.client.hdel(self.names.deployments, snapshot.key)
        self._commit("deployment", snapshot.key)

    def put_key(self, snapshot: KeySnapshot) -> None:
        self.client.set(self.names.key(snapshot.digest), snapshot.to_json())
        self._commit("key", snapshot.digest)

    def revoke_key(self, snapshot: KeySnapshot) -> None:
        self.client.delete(self.names.key(snapshot.digest))
        self._commit("key", snapshot.digest)

    def start_generation(self, token: str) -> None:
        """Mark everything written as one complete publish, as the control plane does after a
        full rebuild, and announce it: proxies then replace what they kept."""
        self.client.set(self.names.generation, token)
        notice = {"kind": "all", "key": "", "version": self.version}
        self.client.publish(self.names.invalidations, orjson.dumps(notice))

    def usage_events(self) -> list[dict]:
        stream = self.names.usage_stream
        return [orjson.loads(fields[b"e"]) for _, fields in self.client.xrange(stream)]


REGISTRY_DDL = """
CREATE TABLE IF NOT EXISTS tollgate_registry (
    id integer PRIMARY KEY AUTOINCREMENT, kind varchar(20) NOT NULL, key varchar(300) NOT NULL,
    body text NOT NULL, version bigint NOT NULL, updated_at datetime NOT NULL,
    UNIQUE (kind, key));
CREATE TABLE IF NOT EXISTS core_usageevent (
    id integer PRIMARY KEY AUTOINCREMENT, request_id varchar(64) NOT NULL UNIQUE,
    ts datetime NOT NULL, tenant_id bigint NULL, api_id bigint NULL, revision_id bigint NULL,
    application_id bigint NULL, key_id bigint NULL, key_type varchar(10) NOT NULL,
    environment varchar(63) NOT NULL, vendor varchar(63) NOT NULL,
    model_requested varchar(200) NOT NULL, model_answered varchar(200) NOT NULL,
    operation varchar(100) NOT NULL, status smallint unsigned NOT NULL CHECK (status >= 0),
    error_code varchar(63) NOT NULL, prompt_tokens integer unsigned NOT NULL,
    completion_tokens integer unsigned NOT NULL, total_tokens integer unsigned NOT NULL,
    upstream_latency_ms real NULL, total_latency_ms real NOT NULL, streamed bool NOT NULL,
    quota_exceeded bool NOT NULL, stream_cut varchar(32) NOT NULL DEFAULT '',
    client_request_id varchar(128) NOT NULL DEFAULT '',
    target varchar(100) NOT NULL DEFAULT '', attempts smallint unsigned NOT NULL DEFAULT 1,
    failovers varchar(500) NOT NULL DEFAULT '', knowledge text NOT NULL DEFAULT '',
    policy_actions text NOT NULL DEFAULT '',
    cached_tokens integer unsigned NOT NULL DEFAULT 0,
    cache_write_tokens integer unsigned NOT NULL DEFAULT 0,
    reasoning_tokens integer unsigned NOT NULL DEFAULT 0, cost_pico bigint NULL,
    currency varchar(3) NOT NULL DEFAULT '', downgraded_from varchar(200) NOT NULL DEFAULT '');
"""


class SqliteRegistry:
    """The embedded store as the Django models lay it out, in a SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.executescript(REGISTRY_DDL)

    def _put(self, kind: str, key: str, body: str) -> None:
        self.db.execute(
            "INSERT INTO tollgate_registry (kind, key, body, version, updated_at) "
            "VALUES (?, ?, ?, ?, datetime('now')) ON CONFLICT (kind, key) DO UPDATE SET "
            "body = excluded.body, version = excluded.version",
            (kind, key, body, next(_versions)),
        )

    def put_deployment(self, snapshot: DeploymentSnapshot) -> None:
        self._put("deployment", snapshot.key, snapshot.to_json().decode())

    def remove_deployment(self, snapshot: DeploymentSnapshot) -> None:
        self._put("deployment", snapshot.key, "")

    def put_key(self, snapshot: KeySnapshot) -> None:
        self._put("key", snapshot.digest, snapshot.to_json().decode())

    def revoke_key(self, snapshot: KeySnapshot) -> None:
        self._put("key", snapshot.digest, "")

    @property
    def version(self) -> int:
        """The registry version after the last write: a proxy reporting it has applied it."""
        top = self.db.execute("SELECT COALESCE(MAX(version), 0) FROM tollgate_registry")
        return top.fetchone()[0]

    def usage_rows(self) -> list[dict]:
        cursor = self.db.execute("SELECT * FROM core_usageevent ORDER BY id")
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def base_env(**overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        {
            "SECRET_KEY": SECRET,
            "TOLLGATE_KEY_PEPPER": SECRET,
            "TOLLGATE_FERNET_KEYS": "",
            "ALLOW_PRIVATE_UPSTREAMS": "true",
            "ALLOW_HTTP_UPSTREAMS": "true",
            "GATEWAY_ENVIRONMENT": "default",
            "DEFAULT_TENANT": "default",
            "PROXY_USAGE_FLUSH_INTERVAL": "0.05",
            "PROXY_READ_TIMEOUT": "2",
            "PROXY_CONNECT_TIMEOUT": "2",
            "PYTHONPATH": str(REPO),
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(overrides)
    return {k: v for k, v in env.items() if v is not None}


class Process:
    """A child process on a port, waited for on a URL and stopped by its own pid."""

    def __init__(self, args: list[str], port: int, env: dict[str, str], log: Path) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        with log.open("wb") as output:  # the child keeps its own descriptor
            self._proc = subprocess.Popen(
                [sys.executable, *args],
                cwd=REPO,
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

    def wait_for(self, path: str, timeout: float = 60.0) -> None:
        """Until `path` answers 200; generous, for a loaded machine, and over as soon as it does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"process exited:\n{self.log.read_text()[-3000:]}")
            try:
                if httpx.get(self.url + path, timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.url}{path} never answered 200:\n{self.log.read_text()[-3000:]}")

    def signal_stop(self) -> None:
        """SIGTERM without waiting: the process drains, then exits (`stop` waits for that)."""
        self._proc.terminate()

    def stop(self) -> None:
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


def start_mock(log_dir: Path) -> Process:
    port = free_port()
    process = Process(
        ["-m", "demo_upstream", "--port", str(port)],
        port,
        base_env(),
        log_dir / f"mock-{port}.log",
    )
    return _ready(process, "/_mock/health")


def start_proxy(
    log_dir: Path,
    *,
    ready: bool = True,
    module: str = "proxy",
    args: tuple[str, ...] = (),
    **env: str,
) -> Process:
    """A proxy process (`module` runs it: `proxy`, or a test's wrapper of `proxy.__main__`;
    `args` are added to its command line, e.g. `--workers 2`)."""
    port = free_port()
    env.setdefault("PROXY_USAGE_SPOOL_DIR", str(log_dir / f"usage-spool-{port}"))
    command = ["-m", module, "--port", str(port), *args]
    process = Process(command, port, base_env(**env), log_dir / f"proxy-{port}.log")
    return _ready(process, "/readyz" if ready else "/healthz")


def _ready(process: Process, path: str) -> Process:
    """The process once `path` answers; stopped, not left behind, when it never does."""
    try:
        process.wait_for(path)
    except BaseException:
        process.stop()
        raise
    return process


def start_proxies(count: int, log_dir: Path, **env: str) -> list[Process]:
    """`count` proxies on one configuration; none is left running if one fails to start."""
    started: list[Process] = []
    try:
        for _ in range(count):
            started.append(start_proxy(log_dir, **env))
    except BaseException:
        for process in started:
            process.stop()
        raise
    return started


def deployment_key_for(snapshot: DeploymentSnapshot) -> str:
    return deployment_key(snapshot.environment, snapshot.tenant_slug, snapshot.route)


def eventually(check, timeout: float = 10.0, interval: float = 0.02):
    """Retry `check` until it returns a truthy value; return it (or raise its last error)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
        except AssertionError:
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(interval)


def wait_synced(proxy_url: str, registry: RedisRegistry | SqliteRegistry) -> None:
    """Wait until a proxy has applied everything written to `registry` so far."""
    wait_for_registry(proxy_url, registry.version)
