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

# Past this many chunks a search first ranks everyone on the vectors' leading dimensions
# (WordLlama's embeddings are Matryoshka-trained: a prefix is itself an embedding), then
# rescores the best candidates on all of them: a quarter of the memory read per query.
COARSE_FROM = 20_000
COARSE_DIMENSIONS = 64
COARSE_CANDIDATES = 256

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
    coarse: np.ndarray | None = None  # the leading dimensions, contiguous, for big indexes

    def __post_init__(self) -> None:
        if len(self.passages) >= COARSE_FROM and self.vectors.shape[1] > COARSE_DIMENSIONS:
            prefix = np.ascontiguousarray(self.vectors[:, :COARSE_DIMENSIONS])
            object.__setattr__(self, "coarse", prefix)

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
        if self.coarse is not None:
            rough = self.coarse @ query[:COARSE_DIMENSIONS]
            candidates = _best(rough, max(COARSE_CANDIDATES, 4 * k))
            scores = self.vectors[candidates] @ query
            top = _best(scores, k)
            return [Hit(self.passages[candidates[i]], float(scores[i])) for i in top]
        scores = self.vectors @ query
        return [Hit(self.passages[i], float(scores[i])) for i in _best(scores, k)]


def _best(scores: np.ndarray, k: int) -> np.ndarray:
    """The positions of the k highest scores, best first."""
    count = len(scores)
    cut = count - k
    top = np.argpartition(scores, cut)[cut:] if cut > 0 else np.arange(count)
    ranked: np.ndarray = top[np.argsort(-scores[top], kind="stable")]
    return ranked
