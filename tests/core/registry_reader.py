"""Read the registry the way the proxy does, independently of core.registry's own code:
the `tollgate_registry` table in the embedded mode, the Redis hash and keys otherwise."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import redis

from core.models import RegistryEntry
from proxy.contract import DeploymentSnapshot, KeySnapshot, RedisNames


@dataclass
class Registry:
    mode: str
    client: redis.Redis | None = None
    names: RedisNames = field(default_factory=RedisNames)

    def _raw_deployment(self, key: str) -> bytes | None:
        if self.client is not None:
            return self.client.hget(self.names.deployments, key)
        entry = RegistryEntry.objects.filter(kind="deployment", key=key).first()
        return entry.body.encode() if entry and entry.body else None

    def _raw_key(self, digest: str) -> bytes | None:
        if self.client is not None:
            return self.client.get(self.names.key(digest))
        entry = RegistryEntry.objects.filter(kind="key", key=digest).first()
        return entry.body.encode() if entry and entry.body else None

    def deployment(self, key: str) -> DeploymentSnapshot | None:
        raw = self._raw_deployment(key)
        return DeploymentSnapshot.from_json(raw) if raw else None

    def key(self, digest: str) -> KeySnapshot | None:
        raw = self._raw_key(digest)
        return KeySnapshot.from_json(raw) if raw else None

    def everything(self) -> dict[tuple[str, str], object]:
        """Every live snapshot, versions zeroed so two registries can be compared."""
        found: dict[tuple[str, str], object] = {}
        if self.client is not None:
            for key, raw in self.client.hgetall(self.names.deployments).items():
                found[("deployment", key.decode())] = DeploymentSnapshot.from_json(raw)
            prefix = self.names.key("")
            for name in self.client.scan_iter(match=prefix + "*"):
                found[("key", name.decode()[len(prefix) :])] = KeySnapshot.from_json(
                    self.client.get(name)
                )
        else:
            for entry in RegistryEntry.objects.exclude(body=""):
                parse = DeploymentSnapshot if entry.kind == "deployment" else KeySnapshot
                found[(entry.kind, entry.key)] = parse.from_json(entry.body)
        return {name: replace(snapshot, version=0) for name, snapshot in found.items()}

    def wipe(self) -> None:
        """Lose the registry (a Redis flush, or the table emptied)."""
        if self.client is not None:
            names = list(self.client.scan_iter(match=f"{self.names.prefix}:*"))
            if names:
                self.client.delete(*names)
        else:
            RegistryEntry.objects.all().delete()
