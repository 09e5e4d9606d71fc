"""A deployment's retrieval plan, compiled once per snapshot: which indexes, which strategy,
how passages are placed. `ground` runs per call, only for APIs that attach collections."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import aiohttp
import orjson

from proxy.asgi import Send
from proxy.contract import DeploymentSnapshot
from proxy.knowledge.indexes import KnowledgeIndexes
from proxy.knowledge.placement import place, system_block
from proxy.knowledge.query import conversation, last_user_message
from proxy.knowledge.rerank import CANDIDATES_PER_RESULT, rerank
from proxy.knowledge.response import source_list, with_sources
from proxy.knowledge.rewrite import Upstream, rewrite_query
from proxy.knowledge.settings import KnowledgeSettings, index_key, parse_knowledge
from proxy.policies.apply_defaults import shape_of
from proxy.providers.base import Call
from proxy.providers.registry import DriverFactory
from proxy.record import CallRecord

if TYPE_CHECKING:
    from proxy.knowledge.index import Hit


@dataclass(frozen=True, slots=True)
class KnowledgePlan:
    settings: KnowledgeSettings
    tenant_id: int
    index_keys: tuple[str, ...]  # only the deployment's own tenant's collections
    driver: DriverFactory | None
    vendor_driver: str

    async def ground(
        self,
        call: Call,
        record: CallRecord,
        send: Send,
        indexes: KnowledgeIndexes,
        session: aiohttp.ClientSession,
    ) -> Send:
        """Search the collections for the call's query and place the passages in its request
        (call.payload and call.body); answer the `send` that reports the sources back."""
        found = shape_of(call.ingress, self.vendor_driver, call.operation)
        shape = found.conversation if found else ""  # "openai" | "anthropic" | "" (no chat)
        payload = call.payload
        if not shape or payload is None or not isinstance(payload.get("messages"), list):
            return send
        query = await self._query(call, record, payload, shape, session)
        hits = await self.search(indexes, query) if query.strip() else []
        record.knowledge = source_list(hits, record.knowledge_rewrite_tokens)
        if not hits:
            return with_sources(send, [])
        place(payload, shape, system_block(self.settings.template, hits))
        call.body = orjson.dumps(payload)
        return with_sources(send, hits)

    async def _query(
        self,
        call: Call,
        record: CallRecord,
        payload: dict[str, Any],
        shape: str,
        session: aiohttp.ClientSession,
    ) -> str:
        strategy = self.settings.strategy
        if strategy == "conversation":
            return conversation(payload)
        if strategy == "rewrite" and self.driver is not None:
            model = self.settings.rewrite_model or str(payload.get("model") or "")
            upstream = Upstream(call, self.driver, session)
            rewritten = await rewrite_query(upstream, record, conversation(payload), model, shape)
            if rewritten:
                return rewritten
        return last_user_message(payload)

    async def search(self, indexes: KnowledgeIndexes, query: str) -> list[Hit]:
        from proxy import embeddings as embedder  # the model loads with the first grounded call

        settings = self.settings
        loaded = await asyncio.gather(*(indexes.get(key) for key in self.index_keys))
        vector = embedder.embed_one(query)
        wanted = settings.top_k * (CANDIDATES_PER_RESULT if settings.rerank else 1)
        mine = [
            index for index in loaded if index is not None and index.tenant_id == self.tenant_id
        ]
        hits = [hit for index in mine for hit in index.search(vector, wanted)]
        hits.sort(key=lambda hit: hit.score, reverse=True)
        hits = rerank(query, hits, settings.top_k) if settings.rerank else hits[: settings.top_k]
        return [hit for hit in hits if hit.score >= settings.min_score]


def compile_knowledge(
    snapshot: DeploymentSnapshot, driver: DriverFactory | None
) -> KnowledgePlan | None:
    """None when the API attaches no collection: the hot path then skips retrieval entirely."""
    raw = snapshot.gateway_settings.get("knowledge") if snapshot.gateway_settings else None
    if not raw:
        return None
    settings, problems = parse_knowledge(raw)
    if settings is None or problems:
        return None
    keys = tuple(index_key(snapshot.tenant_id, slug) for slug in settings.collections)
    return KnowledgePlan(settings, snapshot.tenant_id, keys, driver, snapshot.vendor.driver)
