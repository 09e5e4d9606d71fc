"""A collection's compiled index: chunk texts and their vectors, searched in memory.

The control plane compiles it (`to_json`) and publishes it to the registry store under the
kind KNOWLEDGE and the key "<tenant id>:<collection slug>"; the proxy parses it once
(`from_json`) and searches it with one matrix-vector product per query.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

import numpy as np
import orjson

from proxy.contract import KNOWLEDGE
from proxy.knowledge.settings import index_key

__all__ = ["KNOWLEDGE", "Hit", "KnowledgeIndex", "Passage", "index_key"]


@dataclass(frozen=True, slots=True)
class Passage:
    collection: str
    document_id: int
    title: str
    ordinal: int  # the chunk's place in its document, from 0
    text: str


@dataclass(frozen=True, slots=True)
class Hit:
    passage: Passage
    score: float


@dataclass(frozen=True, slots=True)
class KnowledgeIndex:
    tenant_id: int
    collection: str
    model: str
    passages: tuple[Passage, ...]
    vectors: np.ndarray  # (len(passages), dimensions) float32, rows normalised

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "tenant_id": self.tenant_id,
                "collection": self.collection,
                "model": self.model,
                "dimensions": int(self.vectors.shape[1]) if self.vectors.ndim == 2 else 0,
                "chunks": [[p.document_id, p.title, p.ordinal, p.text] for p in self.passages],
                "vectors": base64.b64encode(self._matrix().tobytes()).decode(),
            }
        )

    def _matrix(self) -> np.ndarray:
        return np.ascontiguousarray(self.vectors, dtype=np.float32)

    @classmethod
    def from_json(cls, raw: bytes | str) -> KnowledgeIndex:
        data = orjson.loads(raw)
        collection = data["collection"]
        passages = tuple(
            Passage(collection, int(doc), title, int(ordinal), text)
            for doc, title, ordinal, text in data["chunks"]
        )
        flat = np.frombuffer(base64.b64decode(data["vectors"]), dtype=np.float32)
        vectors = flat.reshape(len(passages), int(data["dimensions"]) if passages else 0)
        return cls(int(data["tenant_id"]), collection, data["model"], passages, vectors)

    def search(self, query: np.ndarray, k: int) -> list[Hit]:
        """The k passages most similar to the normalised query vector, best first."""
        count = len(self.passages)
        if count == 0 or k <= 0:
            return []
        scores = self.vectors @ query
        cut = count - k
        top = np.argpartition(scores, cut)[cut:] if cut > 0 else np.arange(count)
        ranked = top[np.argsort(-scores[top], kind="stable")]
        return [Hit(self.passages[i], float(scores[i])) for i in ranked]
