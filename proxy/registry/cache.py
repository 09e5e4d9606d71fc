"""The in-process registry: every deployment of this environment, keys fetched on demand.

Stores (Redis or the embedded table) feed it with `put_deployment` / `evict_key`; the hot path
only reads dicts. A key fetch that races an invalidation is served but not cached, so a revoked
key can never stick in the cache.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Final, Literal

from proxy.config import ProxyConfig
from proxy.contract import DeploymentSnapshot, KeySnapshot
from proxy.crypto import KeyRing
from proxy.errors import REGISTRY_UNAVAILABLE, GatewayError
from proxy.knowledge.indexes import KnowledgeIndexes
from proxy.registry.live import LiveDeployment

log = logging.getLogger("proxy.registry")
KeyFetcher = Callable[[str], Awaitable[bytes | str | None]]


class _Lookup(Enum):
    FAILED = "failed"  # the store could not answer (unlike None: it answered "no such key")


_FAILED: Final = _Lookup.FAILED
KeyLookup = KeySnapshot | None | Literal[_Lookup.FAILED]


class Registry:
    def __init__(self, config: ProxyConfig, keyring: KeyRing) -> None:
        self._config = config
        self._keyring = keyring
        self._env_prefix = f"{config.environment}:"
        self._deployments: dict[str, LiveDeployment] = {}
        self._routes: dict[str, dict[str, LiveDeployment]] = {}
        self.max_route_depth = 1
        self._keys: dict[str, KeySnapshot] = {}
        self._missing: dict[str, float] = {}
        self._inflight: dict[str, asyncio.Future[KeyLookup]] = {}
        self._key_epoch = 0
        self.fetch_key: KeyFetcher | None = None
        self.knowledge = KnowledgeIndexes()  # collections' indexes, fetched on first use
        self.ready = False
        # The store answers, but with less than this process holds (Redis lost its data): an
        # absent key is then "unknown yet", refused as unavailable and not remembered.
        self.stale = False
        self.version = 0  # the highest registry version applied (reported on /readyz)
        self.generation: bytes | None = None  # the control plane's complete publish loaded

    def applied(self, version: int) -> None:
        """Record that every change up to `version` is applied; versions never go back."""
        self.version = max(self.version, version)

    # -- deployments -------------------------------------------------------------------------

    def serves(self, deployment_key: str) -> bool:
        return deployment_key.startswith(self._env_prefix)

    def find_route(self, tenant: str, route: str) -> LiveDeployment | None:
        routes = self._routes.get(tenant)
        return routes.get(route) if routes else None

    def put_deployment(self, deployment_key: str, body: bytes | str | None) -> None:
        """Install, replace or (body empty) remove one deployment snapshot."""
        if not self.serves(deployment_key):
            return
        old = self._deployments.pop(deployment_key, None)
        if old is not None:
            self._routes.get(old.snapshot.tenant_slug, {}).pop(old.snapshot.route, None)
        if not body:
            return
        try:
            snapshot = DeploymentSnapshot.from_json(body)
        except (ValueError, TypeError, KeyError) as exc:
            log.error(
                "unreadable deployment snapshot; kept the previous one",
                extra={
                    "event": "bad_deployment_snapshot",
                    "key": deployment_key,
                    "error": type(exc).__name__,
                },
            )
            return
        live = LiveDeployment(snapshot, self._keyring, self._config)
        self._deployments[deployment_key] = live
        self._routes.setdefault(snapshot.tenant_slug, {})[snapshot.route] = live
        self.max_route_depth = max(self.max_route_depth, snapshot.route.count("/") + 1)

    def replace_deployments(self, entries: dict[str, bytes | str]) -> None:
        """Swap in a full set (initial load or full rebuild)."""
        for stale in set(self._deployments) - set(entries):
            self.put_deployment(stale, None)
        for deployment_key, body in entries.items():
            self.put_deployment(deployment_key, body)

    @property
    def deployment_count(self) -> int:
        return len(self._deployments)

    # -- keys --------------------------------------------------------------------------------

    def evict_key(self, digest: str) -> None:
        self._key_epoch += 1
        self._keys.pop(digest, None)
        self._missing.pop(digest, None)

    def evict_all_keys(self) -> None:
        self._key_epoch += 1
        self._keys.clear()
        self._missing.clear()

    async def key(self, digest: str) -> KeySnapshot | None:
        snapshot = self._keys.get(digest)
        if snapshot is not None:
            return snapshot
        missing_until = self._missing.get(digest)
        if missing_until is not None and missing_until > time.monotonic():
            return None
        waiting = self._inflight.get(digest)
        if waiting is not None:
            result = await asyncio.shield(waiting)
        else:
            result = await self._fetch(digest)
        if result is _FAILED:
            raise GatewayError(REGISTRY_UNAVAILABLE)
        return result

    async def _fetch(self, digest: str) -> KeyLookup:
        epoch = self._key_epoch
        future: asyncio.Future[KeyLookup] = asyncio.get_running_loop().create_future()
        self._inflight[digest] = future
        try:
            result = await self._load_key(digest)
            if result is not _FAILED and epoch == self._key_epoch:
                self._remember(digest, result)
            future.set_result(result)
            return result
        finally:
            self._inflight.pop(digest, None)
            if not future.done():
                future.set_result(_FAILED)

    async def _load_key(self, digest: str) -> KeyLookup:
        assert self.fetch_key is not None, "a registry store must be started first"
        try:
            raw = await self.fetch_key(digest)
        except Exception as exc:  # the store is down: refuse unknown keys, keep cached ones
            log.warning(
                "key lookup failed; refusing unknown keys",
                extra={"event": "key_fetch_failed", "error": type(exc).__name__},
            )
            return _FAILED
        if not raw:
            return _FAILED if self.stale else None
        try:
            return KeySnapshot.from_json(raw)
        except (ValueError, TypeError, KeyError):
            log.error("unreadable key snapshot", extra={"event": "bad_key_snapshot"})
            return None

    def _remember(self, digest: str, snapshot: KeySnapshot | None) -> None:
        if len(self._keys) + len(self._missing) >= self._config.key_cache_size:
            self._missing.clear()
            if len(self._keys) >= self._config.key_cache_size:
                self._keys.pop(next(iter(self._keys)))
        if snapshot is None:
            self._missing[digest] = time.monotonic() + self._config.missing_key_ttl
        else:
            self._keys[digest] = snapshot
