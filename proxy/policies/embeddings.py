"""Sentence embeddings for the semantic policies, offline: WordLlama's `l2_supercat` model
(256 dimensions, 16 MB), whose weights and tokenizer ship inside the `wordllama` wheel.

WordLlama's own `load(disable_download=True)` looks for the tokenizer in a folder the wheel
does not have (`tokenizer/` beside the wheel's `tokenizers/`), so the two shipped files are
opened here directly: nothing is ever fetched. The model loads on first use, i.e. only in a
proxy serving an API with a semantic policy (it adds ~100 MB and ~2 s once per process).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    Vectors = npt.NDArray[np.float32]

WEIGHTS = "weights/l2_supercat_256.safetensors"
TOKENIZER = "tokenizers/l2_supercat_tokenizer_config.json"


@cache
def model() -> Any:
    """The embedding model, loaded once per process from the installed package's files."""
    import wordllama
    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    root = Path(wordllama.__file__).parent
    tokenizer = Tokenizer.from_file(str(root / TOKENIZER))
    with safe_open(str(root / WEIGHTS), framework="np", device="cpu") as weights:
        embedding = weights.get_tensor("embedding.weight")
    return WordLlamaInference(embedding, tokenizer, binary=False)


def embed(texts: list[str]) -> Vectors:
    """Unit vectors, one row per text (cosine similarity is then a dot product)."""
    vectors: Vectors = model().embed(texts, norm=True)
    return vectors
