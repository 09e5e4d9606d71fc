"""Registry store in the database table the compiler writes (`tollgate_registry`).

Polls `WHERE version > last_seen` every PROXY_REGISTRY_POLL_INTERVAL (250 ms): deployments are
reapplied, changed keys evicted, so any committed change is served within one poll. Writers
take their version and write it in one transaction, so rows appear in version order and the
highest version seen is the registry version applied (reported on /readyz).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from proxy.config import ProxyConfig
from proxy.contract import DEPLOYMENT, KEY, KNOWLEDGE
from proxy.dbapi import Database
from proxy.registry.cache import Registry

log = logging.getLogger("proxy.registry")
TABLE = "tollgate_registry"


class EmbeddedRegistryStore:
    def __init__(self, config: ProxyConfig, registry: Registry) -> None:
        self._db = Database(config, "registry-db")
        self._registry = registry
        self._interval = config.registry_poll_interval
        self._last_version = -1
        self._task: asyncio.Task[None] | None = None
        registry.fetch_key = self.fetch_key
        registry.knowledge.fetch = self.fetch_knowledge

    async def start(self) -> None:
        self._task = asyncio.create_task(self._poll_forever(), name="registry-embedded")

    async def close(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._db.close()

    async def fetch_key(self, digest: str) -> str | None:
        rows = await self._db.fetch(
            f"SELECT body FROM {TABLE} WHERE kind = ? AND key = ?", (KEY, digest)
        )
        return rows[0][0] if rows else None

    async def fetch_knowledge(self, index_key: str) -> str | None:
        rows = await self._db.fetch(
            f"SELECT body FROM {TABLE} WHERE kind = ? AND key = ? AND body <> ''",
            (KNOWLEDGE, index_key),
        )
        return rows[0][0] if rows else None

    async def _poll_forever(self) -> None:
        failing = False
        while True:
            try:
                if self._last_version < 0:
                    await self._load_all()
                else:
                    await self._apply_changes()
                failing = False
            except Exception as exc:
                if not failing:
                    log.warning(
                        "registry table unreadable; serving the cached registry",
                        extra={"event": "registry_db_unavailable", "error": type(exc).__name__},
                    )
                failing = True
            await asyncio.sleep(self._interval)

    async def _load_all(self) -> None:
        top = await self._db.fetch(f"SELECT COALESCE(MAX(version), 0) FROM {TABLE}")
        rows = await self._db.fetch(
            f"SELECT key, body FROM {TABLE} WHERE kind = ? AND body <> ''", (DEPLOYMENT,)
        )
        self._registry.evict_all_keys()
        self._registry.knowledge.evict_all()
        self._registry.replace_deployments(
            {key: body for key, body in rows if self._registry.serves(key)}
        )
        self._last_version = int(top[0][0])
        self._registry.applied(self._last_version)
        self._registry.ready = True
        log.info(
            "registry loaded",
            extra={"event": "registry_loaded", "deployments": self._registry.deployment_count},
        )

    async def _apply_changes(self) -> None:
        # A knowledge index can be large: its body is fetched when a call needs it.
        rows = await self._db.fetch(
            f"SELECT kind, key, CASE WHEN kind = ? THEN '' ELSE body END, version FROM {TABLE}"
            " WHERE version > ? ORDER BY version",
            (KNOWLEDGE, self._last_version),
        )
        for kind, key, body, version in rows:
            if kind == DEPLOYMENT:
                self._registry.put_deployment(key, body)
            elif kind == KEY:
                self._registry.evict_key(key)
            elif kind == KNOWLEDGE:
                self._registry.knowledge.evict(key)
            self._last_version = max(self._last_version, int(version))
        self._registry.applied(self._last_version)
