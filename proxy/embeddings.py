"""The offline embedding model: WordLlama's l2_supercat weights, shipped inside its wheel.

Loaded on first use only (an API without collections never loads it), with downloads
disabled: the weights and the tokenizer come from the installed package, never from a hub.
Vectors are L2-normalised float32, so a dot product is the cosine similarity.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from wordllama.inference import WordLlamaInference

MODEL = "wordllama-l2-supercat-256"
DIMENSIONS = 256
_lock = threading.Lock()


@cache
def _model() -> WordLlamaInference:
    import wordllama

    # The package keeps its tokenizer under tokenizers/, where WordLlama's own lookup of the
    # project root misses it; as the cache directory, the package folder is found by both.
    package = Path(wordllama.__file__).parent
    return wordllama.WordLlama.load(
        config="l2_supercat", dim=DIMENSIONS, cache_dir=package, disable_download=True
    )


def load() -> None:
    """Load the model now (a worker or a proxy warming up); later calls are free."""
    with _lock:
        _model()


def embed(texts: list[str]) -> np.ndarray:
    """One normalised row per text, shape (len(texts), DIMENSIONS)."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    load()
    vectors = np.asarray(_model().embed(texts, norm=False), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    normalised: np.ndarray = vectors / np.maximum(norms, 1e-12)
    return normalised


def embed_one(text: str) -> np.ndarray:
    row: np.ndarray = embed([text])[0]
    return row
