"""The proxy's cache of compiled knowledge indexes, fetched from the registry store on first
use and dropped when the store announces a change (a re-ingest, a deleted document).

Nothing is loaded for a proxy whose APIs attach no collection.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from proxy.knowledge.index import KnowledgeIndex

log = logging.getLogger("proxy.knowledge")
IndexFetcher = Callable[[str], Awaitable[bytes | str | None]]


class KnowledgeIndexes:
    def __init__(self) -> None:
        self.fetch: IndexFetcher | None = None  # set by the registry store
        self._indexes: dict[str, KnowledgeIndex | None] = {}
        self._inflight: dict[str, asyncio.Task[KnowledgeIndex | None]] = {}
        self._epoch = 0

    def evict(self, key: str) -> None:
        self._epoch += 1
        self._indexes.pop(key, None)

    def evict_all(self) -> None:
        self._epoch += 1
        self._indexes.clear()

    async def get(self, key: str) -> KnowledgeIndex | None:
        if key in self._indexes:
            return self._indexes[key]
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.ensure_future(self._load(key, self._epoch))
            self._inflight[key] = task
            task.add_done_callback(lambda _: self._inflight.pop(key, None))
        return await asyncio.shield(task)

    async def _load(self, key: str, epoch: int) -> KnowledgeIndex | None:
        if self.fetch is None:
            return None
        from proxy.knowledge.index import KnowledgeIndex  # numpy loads with the first index

        try:
            raw = await self.fetch(key)
            index = KnowledgeIndex.from_json(raw) if raw else None
        except Exception as exc:  # a lost store or a bad body: answer without these passages
            log.warning(
                "knowledge index unavailable",
                extra={"event": "knowledge_index_failed", "key": key, "error": type(exc).__name__},
            )
            return None
        if epoch == self._epoch:  # a change announced meanwhile: serve it, do not keep it
            self._indexes[key] = index
        return index
