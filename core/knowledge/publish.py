"""A collection's index compiled from its ready chunks and published to the registry store
(Redis in production, the registry table in the embedded mode), where every proxy fetches it;
the store's change notice makes each proxy drop its copy within a second."""

from __future__ import annotations

import logging

import numpy as np
from django.db import transaction

from core.models import Chunk, Collection, DocumentStatus, RegistryEntry
from core.registry.store import RedisStore, RegistryStore, get_store
from proxy.public import KNOWLEDGE, KnowledgeIndex, Passage, embeddings, index_key

log = logging.getLogger(__name__)


def compile_index(collection: Collection) -> KnowledgeIndex:
    rows = (
        Chunk.objects.filter(document__collection=collection, document__status=DocumentStatus.READY)
        .order_by("document_id", "ordinal")
        .values_list("document_id", "document__title", "ordinal", "text", "embedding")
    )
    passages, vectors = [], []
    for document_id, title, ordinal, text, embedding in rows.iterator(chunk_size=2000):
        passages.append(Passage(collection.slug, document_id, title, ordinal, text))
        vectors.append(np.frombuffer(bytes(embedding), dtype=np.float32))
    matrix = np.vstack(vectors) if vectors else np.zeros((0, embeddings.DIMENSIONS), np.float32)
    return KnowledgeIndex(
        collection.tenant_id, collection.slug, collection.embedder, tuple(passages), matrix
    )


@transaction.atomic
def publish_collection(collection_id: int) -> None:
    collection = Collection.objects.filter(pk=collection_id).first()
    if collection is None:
        return
    store = get_store()
    version = store.next_version()
    store.put(KNOWLEDGE, key_of(collection), compile_index(collection).to_json(), version)


@transaction.atomic
def withdraw_collection(tenant_id: int, slug: str) -> None:
    store = get_store()
    store.delete(KNOWLEDGE, index_key(tenant_id, slug), store.next_version())


def _published(store: RegistryStore, key: str) -> bool:
    """Without reading the index itself, which can be large."""
    if isinstance(store, RedisStore):
        return bool(store.redis.exists(store.names.knowledge(key)))
    return RegistryEntry.objects.filter(kind=KNOWLEDGE, key=key).exclude(body="").exists()


def key_of(collection: Collection) -> str:
    return index_key(collection.tenant_id, collection.slug)


def publish_missing() -> int:
    """Republish the indexes the store lost (a Redis restart); part of the registry rebuild."""
    store = get_store()
    missing = [c for c in Collection.objects.all() if not _published(store, key_of(c))]
    for collection in missing:
        publish_collection(collection.pk)
    if missing:
        log.info(
            "knowledge indexes republished",
            extra={"event": "knowledge_republished", "count": len(missing)},
        )
    return len(missing)
