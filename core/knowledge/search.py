"""The search box: a collection's ready chunks ranked for a query, with their scores, as the
proxy would rank them (same model, same index)."""

from __future__ import annotations

from core.knowledge.publish import compile_index
from core.models import Collection
from proxy.public import embeddings


def search_collection(collection: Collection, query: str, k: int = 5) -> list:
    if not query.strip():
        return []
    return compile_index(collection).search(embeddings.embed_one(query), k)
