"""Cost of knowledge retrieval in the proxy, and of ingesting documents in the worker.

    .venv/bin/python bench/knowledge_retrieval.py               # 10,000 and 100,000 chunks
    .venv/bin/python bench/knowledge_retrieval.py --ingest      # also 1,000 pages, embedded

Retrieval: per query, embedding the query with the offline model, one matrix-vector product
over the index, the top-k, the rerank when asked, and the placement in the request (what
`KnowledgePlan.ground` does after its index is cached). Ingestion: chunking and embedding 1,000
pages of ~3,000 characters (the worker's CPU work; database writes not included).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as proxy/knowledge/__init__.py does

import numpy as np  # noqa: E402

from proxy import embeddings as embedder  # noqa: E402
from proxy.knowledge.index import KnowledgeIndex, Passage  # noqa: E402
from proxy.knowledge.indexes import KnowledgeIndexes  # noqa: E402
from proxy.knowledge.placement import place, system_block  # noqa: E402
from proxy.knowledge.plan import KnowledgePlan  # noqa: E402
from proxy.knowledge.settings import KnowledgeSettings  # noqa: E402

QUERIES = [
    "Can I get my money back for an annual plan?",
    "How long does shipping to Rotterdam take?",
    "What does error E-4711 mean?",
    "Who approves travel expenses above the limit?",
]
WORDS = [
    *[
        "policy",
        "refund",
        "shipping",
        "invoice",
        "account",
        "password",
        "travel",
        "expense",
        "approval",
    ],
    *[
        "warranty",
        "delivery",
        "parcel",
        "customer",
        "support",
        "manager",
        "holiday",
        "salary",
        "benefit",
    ],
]


def synthetic_index(count: int) -> KnowledgeIndex:
    """Random unit vectors stand in for real embeddings: the search costs the same."""
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((count, embedder.DIMENSIONS), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    passages = tuple(Passage("bench", i // 10, f"doc {i // 10}", i % 10, f"chunk {i} " * 40)
                     for i in range(count))  # fmt: skip
    return KnowledgeIndex(1, "bench", embedder.MODEL, passages, vectors)


def bench_retrieval(count: int, rounds: int, rerank: bool) -> float:
    indexes = KnowledgeIndexes()
    index = synthetic_index(count)
    indexes._indexes["1:bench"] = index
    settings = KnowledgeSettings(("bench",), top_k=4, min_score=-1.0, rerank=rerank)
    plan = KnowledgePlan(settings, 1, ("1:bench",), None, "openai")

    async def one(query: str) -> None:
        hits = await plan.search(indexes, query)
        payload = {"messages": [{"role": "user", "content": query}]}
        place(payload, "openai", system_block(settings.template, hits))

    async def run() -> list[float]:
        for query in QUERIES:  # warm: the model loads, numpy's buffers exist
            await one(query)
        times = []
        for i in range(rounds):
            started = time.perf_counter()
            await one(QUERIES[i % len(QUERIES)] + f" {i}")
            times.append((time.perf_counter() - started) * 1000)
        return times

    return statistics.median(asyncio.run(run()))


def bench_ingest(pages: int) -> float:
    from core.knowledge.chunking import split

    rng = np.random.default_rng(3)
    text = "\n\n".join(
        " ".join(rng.choice(WORDS, size=450)) + "." for _ in range(pages)
    )  # ~3,000 characters a page
    started = time.perf_counter()
    chunks = split(text, 800, 120)
    for start in range(0, len(chunks), 256):
        embedder.embed(chunks[start : start + 256])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--ingest", action="store_true")
    args = parser.parse_args()
    embedder.load()
    print(f"model {embedder.MODEL}, {embedder.DIMENSIONS} dimensions, numpy {np.__version__}")
    for count in (10_000, 100_000):
        for rerank in (False, True):
            ms = bench_retrieval(count, args.rounds, rerank)
            label = "with rerank" if rerank else "vector only"
            print(f"retrieval, {count:>7,} chunks, {label:<11}: {ms:.3f} ms per query (median)")
    if args.ingest:
        seconds = bench_ingest(1_000)
        print(f"ingest, 1,000 pages (chunk + embed): {seconds:.1f} s")


if __name__ == "__main__":
    main()
