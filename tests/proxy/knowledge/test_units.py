"""The pieces of retrieval: the offline model, the settings' validation, the index's search,
the placement and the rerank."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from proxy import embeddings as embedder
from proxy.knowledge.index import COARSE_FROM, Hit, KnowledgeIndex, Passage
from proxy.knowledge.placement import place, system_block
from proxy.knowledge.rerank import rerank
from proxy.knowledge.settings import DEFAULT_TEMPLATE, parse_knowledge
from tests.proxy.support import REPO

NO_NETWORK = """
import socket
def refuse(*args, **kwargs):
    raise OSError("no network in this test")
socket.socket.connect = refuse
socket.create_connection = refuse
from proxy import embeddings as embedder
vectors = embedder.embed(["refunds within thirty days", "money back guarantee", "parcel"])
print(*vectors.shape, float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2]))
"""


def test_the_model_loads_and_embeds_without_a_network():
    env = {"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1", "HOME": "/nonexistent"}
    done = subprocess.run(
        [sys.executable, "-c", NO_NETWORK], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    rows, dimensions, related, unrelated = done.stdout.split()
    assert (rows, dimensions) == ("3", "256")
    assert float(related) > float(unrelated)


def test_settings_are_validated_with_reasons():
    settings, problems = parse_knowledge({"collections": ["faq"]})
    assert problems == [] and settings is not None
    assert (settings.strategy, settings.top_k, settings.template) == (
        "last_message",
        4,
        DEFAULT_TEMPLATE,
    )
    _, problems = parse_knowledge(
        {"collections": ["Not A Slug"], "top_k": 0, "min_score": 2, "rerank": "yes",
         "template": "no placeholder", "colour": "red"}
    )  # fmt: skip
    assert len(problems) == 6


def index_of(texts: list[str]) -> KnowledgeIndex:
    passages = tuple(Passage("c", i, f"t{i}", 0, text) for i, text in enumerate(texts))
    return KnowledgeIndex(1, "c", embedder.MODEL, passages, embedder.embed(texts))


def test_search_ranks_by_similarity_and_survives_json():
    index = KnowledgeIndex.from_json(
        index_of(["the cat sat on the mat", "quarterly tax filing", "a kitten on a rug"]).to_json()
    )
    hits = index.search(embedder.embed_one("a small cat resting"), 2)
    assert {hit.passage.document_id for hit in hits} == {0, 2}
    assert hits[0].score >= hits[1].score


def test_big_indexes_find_the_same_best_passage_through_the_prefix():
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((COARSE_FROM, embedder.DIMENSIONS), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    passages = tuple(Passage("c", i, "", 0, "") for i in range(COARSE_FROM))
    index = KnowledgeIndex(1, "c", embedder.MODEL, passages, vectors)
    assert index.coarse is not None
    [best] = index.search(vectors[1234], 1)
    assert best.passage.document_id == 1234 and round(best.score, 4) == 1.0


def test_placement_after_system_messages_and_in_anthropic_system():
    hits = [Hit(Passage("c", 1, "Refunds", 0, "Within 30 days."), 0.8)]
    block = system_block("Use these:\n{sources}", hits)
    assert block == "Use these:\n[1] Refunds\nWithin 30 days."
    payload = {"messages": [{"role": "system", "content": "Be brief."}, {"role": "user"}]}
    place(payload, "openai", block)
    assert [m["role"] for m in payload["messages"]] == ["system", "system", "user"]
    anthropic = {"system": [{"type": "text", "text": "Be brief."}], "messages": []}
    place(anthropic, "anthropic", block)
    assert anthropic["system"][-1] == {"type": "text", "text": block}


def test_rerank_lifts_a_passage_holding_the_querys_words():
    plain = Hit(Passage("c", 1, "", 0, "Cards can be declined."), 0.50)
    exact = Hit(Passage("c", 2, "", 0, "Error E4711 means the card was declined."), 0.45)
    assert [h.passage.document_id for h in rerank("what is error E4711", [plain, exact], 1)] == [2]
