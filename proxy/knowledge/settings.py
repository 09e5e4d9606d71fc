"""The `knowledge` section of an API's gateway settings: which collections ground its answers
and how passages are retrieved and placed.

    {"knowledge": {"collections": ["handbook"], "strategy": "last_message", "top_k": 4,
                   "min_score": 0.2, "rerank": false, "rewrite_model": "",
                   "template": "Answer from these sources ...\\n\\n{sources}"}}

`parse_knowledge` is the one reader: the control plane validates with it on save (field errors
keyed `knowledge`), the proxy compiles a deployment's retrieval plan with it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from typing import Any

STRATEGIES = ("last_message", "conversation", "rewrite")
DEFAULT_TEMPLATE = (
    "Answer from the numbered sources below when they are relevant, and cite them as [n]. "
    "If they do not contain the answer, say so.\n\n{sources}"
)
MAX_COLLECTIONS = 8
MAX_TOP_K = 20
MAX_TEMPLATE = 8_000
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


def index_key(tenant_id: int, collection: str) -> str:
    """Where a collection's compiled index is published (registry kind "knowledge")."""
    return f"{tenant_id}:{collection}"


KEYS = frozenset(
    {"collections", "strategy", "top_k", "min_score", "rerank", "rewrite_model", "template"}
)


@dataclass(frozen=True, slots=True)
class KnowledgeSettings:
    collections: tuple[str, ...]
    strategy: str = "last_message"
    top_k: int = 4
    min_score: float = 0.2
    rerank: bool = False
    rewrite_model: str = ""  # "" asks the caller's own model to rewrite the query
    template: str = DEFAULT_TEMPLATE

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["collections"] = list(self.collections)
        return data


def parse_knowledge(raw: Any) -> tuple[KnowledgeSettings | None, list[str]]:
    """The settings (None when absent) and what is wrong with them."""
    if raw in (None, {}, ""):
        return None, []
    if not isinstance(raw, dict):
        return None, ["'knowledge' must be an object."]
    problems = [f"Unknown knowledge setting {name!r}." for name in sorted(set(raw) - KEYS)]
    collections = _collections(raw.get("collections"), problems)
    strategy = raw.get("strategy", "last_message")
    if strategy not in STRATEGIES:
        problems.append(f"'strategy' is one of {', '.join(STRATEGIES)}.")
    top_k = raw.get("top_k", 4)
    if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= MAX_TOP_K:
        problems.append(f"'top_k' is a whole number from 1 to {MAX_TOP_K}.")
    min_score = raw.get("min_score", 0.2)
    if not _is_score(min_score):
        problems.append("'min_score' is a number from -1 to 1.")
    rerank = raw.get("rerank", False)
    if not isinstance(rerank, bool):
        problems.append("'rerank' is true or false.")
    rewrite_model = raw.get("rewrite_model", "")
    if not isinstance(rewrite_model, str) or len(rewrite_model) > 200:
        problems.append("'rewrite_model' is a model name of at most 200 characters.")
    template = _template(raw.get("template", DEFAULT_TEMPLATE), problems)
    if problems:
        return None, problems
    settings = KnowledgeSettings(
        collections, strategy, top_k, float(min_score), rerank, rewrite_model.strip(), template
    )
    return settings, []


def _is_score(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | float) and -1 <= value <= 1


def _collections(raw: Any, problems: list[str]) -> tuple[str, ...]:
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_COLLECTIONS:
        problems.append(f"'collections' lists 1 to {MAX_COLLECTIONS} collection slugs.")
        return ()
    if not all(isinstance(slug, str) and SLUG.match(slug) for slug in raw):
        problems.append("'collections' holds collection slugs (lowercase letters, digits, -).")
        return ()
    return tuple(dict.fromkeys(raw))


def _template(raw: Any, problems: list[str]) -> str:
    if not isinstance(raw, str) or not raw.strip() or len(raw) > MAX_TEMPLATE:
        problems.append(f"'template' is text of 1 to {MAX_TEMPLATE} characters.")
        return ""
    if "{sources}" not in raw:
        problems.append("'template' must contain {sources} where the passages go.")
    return raw
