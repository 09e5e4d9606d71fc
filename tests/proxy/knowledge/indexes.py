"""Knowledge indexes for the proxy tests: built with the real offline embedder and written to
the registry the way core/knowledge/publish.py does."""

from __future__ import annotations

from proxy import embeddings as embedder
from proxy.knowledge.index import KNOWLEDGE, KnowledgeIndex, Passage, index_key
from tests.proxy.support import RedisRegistry, SqliteRegistry, wait_synced


def build_index(tenant_id: int, slug: str, documents: dict[int, tuple[str, str]]) -> KnowledgeIndex:
    """documents: id -> (title, text); one chunk each."""
    passages = tuple(
        Passage(slug, doc_id, title, 0, text) for doc_id, (title, text) in documents.items()
    )
    vectors = embedder.embed([p.text for p in passages])
    return KnowledgeIndex(tenant_id, slug, embedder.MODEL, passages, vectors)


def publish_index(registry: RedisRegistry | SqliteRegistry, index: KnowledgeIndex) -> None:
    key = index_key(index.tenant_id, index.collection)
    body = index.to_json()
    if isinstance(registry, RedisRegistry):
        registry.client.set(registry.names.knowledge(key), body)
        registry._commit(KNOWLEDGE, key)
    else:
        registry._put(KNOWLEDGE, key, body.decode())


def publish_and_wait(gateway, index: KnowledgeIndex) -> None:
    publish_index(gateway.registry, index)
    wait_synced(gateway.proxy.url, gateway.registry)
