"""Estimate a request's tokens before it is sent, to reserve them.

OpenAI's encodings are counted exactly with toktok (tiktoken-identical counts, the o200k and
cl100k vocabularies compiled into the wheel: tiktoken itself downloads its files at run time,
which an offline gateway cannot). Other vendors' tokenizers are not public or not bundled:
cl100k approximates them, and settlement charges the provider's real count anyway. Without
toktok, or with TOLLGATE_TOKEN_ESTIMATE=bytes (no vocabulary in memory: 40-65 MB less per
process), a conservative bytes/3 estimator stands in.
"""

from __future__ import annotations

import math
import sys
from functools import cache, lru_cache
from typing import Any, Protocol

import orjson

from proxy.limits.config import LimiterConfig
from proxy.limits.model import TokenEstimate

PROMPT_FIELDS = (
    "messages", "system", "prompt", "input", "instructions", "contents", "systemInstruction",
    "system_instruction", "tools", "functions",
)  # fmt: skip
MEDIA_KEYS = frozenset(
    {"image_url", "input_image", "image", "inline_data", "inlineData", "file_data", "fileData",
     "input_audio", "source"}
)  # fmt: skip
URL_MEDIA_KEYS = frozenset({"image_url", "input_image"})
SCHEMA_FIELDS = frozenset({"tools", "functions"})  # JSON schemas: their keys count too
MAX_TOKENS_FIELDS = ("max_completion_tokens", "max_tokens", "max_output_tokens")
MEDIA_TOKENS = 765  # one high-detail 512px-tiled image in OpenAI's accounting; a fair guess
MESSAGE_OVERHEAD = 4  # role and separators per chat message
REPLY_PRIMING = 3

O200K_PREFIXES = (
    "gpt-4o", "chatgpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "gpt-oss",
)  # fmt: skip


class Estimator(Protocol):
    name: str

    def count(self, text: str) -> int: ...


class BpeEstimator:
    """Exact counts for an OpenAI encoding (cl100k_base, o200k_base)."""

    def __init__(self, encoding: str) -> None:
        import toktok

        self._truncate = toktok.truncate
        self.name = encoding
        self.count("")  # load the vocabulary now, not mid-call

    def count(self, text: str) -> int:
        # `truncate` with no limit counts on the calling thread: `batch_count` asks for the
        # CPU count on every call (cgroup files opened and read), 30 times the count itself.
        total: int = self._truncate(text, sys.maxsize, self.name)[1]
        return total


class ByteEstimator:
    """No tokenizer: one token per 3 UTF-8 bytes, above real counts for most text."""

    name = "bytes/3"

    def count(self, text: str) -> int:
        return math.ceil(len(text.encode("utf-8", "surrogatepass")) / 3)


@cache
def exact_counts() -> bool:
    """TOLLGATE_TOKEN_ESTIMATE, read once per process."""
    return LimiterConfig.from_env().exact_token_counts


@lru_cache(maxsize=4)
def _estimator(encoding: str) -> Estimator:
    if not exact_counts():
        return ByteEstimator()
    try:
        return BpeEstimator(encoding)
    except ImportError:
        return ByteEstimator()


def encoding_for(model: str) -> str:
    """The encoding of an OpenAI model, else cl100k as the approximation for other vendors."""
    lowered = model.lower().rsplit("/", 1)[-1]
    return "o200k_base" if lowered.startswith(O200K_PREFIXES) else "cl100k_base"


_loaded: set[str] = set()


def estimator_for(model: str) -> Estimator:
    """The model's estimator; the first call for an encoding loads its vocabulary (0.1–0.4 s,
    tens of MB), so the limiter makes that call in a thread (`estimator_loaded`)."""
    encoding = encoding_for(model)
    estimator = _estimator(encoding)
    _loaded.add(encoding)
    return estimator


def estimator_loaded(model: str) -> bool:
    return not exact_counts() or encoding_for(model) in _loaded


def estimate_request(
    payload: dict[str, Any], estimator: Estimator, *, generates: bool = True
) -> TokenEstimate:
    """Prompt tokens of a parsed request body and its completion ceiling.

    `completion` is the request's max_tokens (times `n`), None when it sets none (the limiter
    then reserves its default), 0 when the operation `generates` nothing (embeddings).
    """
    texts: list[str] = []
    media = 0
    for name in PROMPT_FIELDS:
        value = payload.get(name)
        if value is None:
            continue
        if name in SCHEMA_FIELDS:
            texts.append(orjson.dumps(value).decode())
        else:
            media += _collect(value, texts)
    prompt = estimator.count("\n".join(texts)) + media * MEDIA_TOKENS
    messages = payload.get("messages") or payload.get("contents")
    if isinstance(messages, list):
        prompt += len(messages) * MESSAGE_OVERHEAD + REPLY_PRIMING
    return TokenEstimate(prompt=prompt, completion=_completion(payload) if generates else 0)


def _collect(value: Any, texts: list[str]) -> int:
    """Append every string under `value` to texts; return how many media parts it holds."""
    media = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict):
            for key, child in item.items():
                if key in MEDIA_KEYS and (not isinstance(child, str) or key in URL_MEDIA_KEYS):
                    media += 1  # a picture or sound: its bytes or URL are not prompt text
                else:
                    stack.append(child)
        elif isinstance(item, list):
            stack.extend(item)
    return media


def _completion(payload: dict[str, Any]) -> int | None:
    ceiling: int | None = next(
        (payload[name] for name in MAX_TOKENS_FIELDS if isinstance(payload.get(name), int)), None
    )
    config = payload.get("generationConfig") or payload.get("generation_config")
    if ceiling is None and isinstance(config, dict):
        value = config.get("maxOutputTokens", config.get("max_output_tokens"))
        ceiling = value if isinstance(value, int) else None
    if ceiling is None:
        return None
    choices = payload.get("n")
    return ceiling * choices if isinstance(choices, int) and choices > 1 else ceiling


def estimate_call(
    payload: dict[str, Any] | None, model: str, operation: str
) -> TokenEstimate | None:
    """Tokens a call may spend: its prompt counted with the model's tokenizer, plus max_tokens.

    A call without a JSON body (e.g. GET /models) spends no tokens: None.
    """
    if payload is None:
        return None
    generates = "embed" not in operation.lower()
    return estimate_request(payload, estimator_for(model), generates=generates)
