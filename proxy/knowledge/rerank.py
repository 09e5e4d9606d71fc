"""The optional rerank step: the vector search's candidates reordered by a score that also
weighs the query's words found in each passage, so an exact term (a product name, an error
code) lifts a passage that a static embedding ranks too low."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from proxy.knowledge.index import Hit

WORD = re.compile(r"\w{3,}")
VECTOR_WEIGHT = 0.7
CANDIDATES_PER_RESULT = 4  # how many vector hits the rerank sees per passage it keeps


def words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(text)}


def rerank(query: str, hits: list[Hit], k: int) -> list[Hit]:
    wanted = words(query)
    if not wanted:
        return hits[:k]
    rescored = [
        replace(hit, score=_blend(hit.score, len(wanted & words(hit.passage.text)) / len(wanted)))
        for hit in hits
    ]
    rescored.sort(key=lambda hit: hit.score, reverse=True)
    return rescored[:k]


def _blend(vector_score: float, overlap: float) -> float:
    return VECTOR_WEIGHT * vector_score + (1 - VECTOR_WEIGHT) * overlap
