"""Prompt estimates: exact OpenAI encodings offline, media, max_tokens in every vendor's shape."""

from __future__ import annotations

import pytest

from proxy.limits import (
    ByteEstimator,
    LimiterConfig,
    TokenEstimate,
    estimate_request,
    estimator_for,
)
from proxy.limits.estimate import (
    MEDIA_TOKENS,
    MESSAGE_OVERHEAD,
    REPLY_PRIMING,
    _estimator,
    estimator_loaded,
    exact_counts,
)


@pytest.fixture
def bytes_estimates(monkeypatch):
    """TOLLGATE_TOKEN_ESTIMATE=bytes for one test; the process's choice is cached, so reset."""
    monkeypatch.setenv("TOLLGATE_TOKEN_ESTIMATE", "bytes")
    exact_counts.cache_clear()
    _estimator.cache_clear()
    yield
    monkeypatch.undo()
    exact_counts.cache_clear()
    _estimator.cache_clear()


def test_openai_models_get_their_encoding_counted_exactly_offline():
    assert estimator_for("gpt-4o-mini").name == "o200k_base"
    assert estimator_for("openai/gpt-5").name == "o200k_base"
    assert estimator_for("gpt-4-turbo").name == "cl100k_base"
    assert estimator_for("mistral-large").name == "cl100k_base"  # approximation
    assert estimator_for("gpt-4o").count("hello world") == 2
    assert estimator_for("gpt-4").count("The quick brown fox jumps over the lazy dog.") == 10


def test_bytes_estimates_need_no_vocabulary(bytes_estimates):
    assert estimator_loaded("gpt-4o-mini")  # nothing for the limiter to load first
    assert estimator_for("gpt-4o-mini").name == "bytes/3"
    assert estimator_for("gpt-4").count("The quick brown fox jumps over the lazy dog.") == 15


def test_an_unknown_token_estimate_setting_is_refused(monkeypatch):
    monkeypatch.setenv("TOLLGATE_TOKEN_ESTIMATE", "approximately")
    with pytest.raises(ValueError, match="TOLLGATE_TOKEN_ESTIMATE"):
        LimiterConfig.from_env()


def test_byte_estimator_rounds_up():
    assert ByteEstimator().count("") == 0
    assert ByteEstimator().count("abcd") == 2
    assert ByteEstimator().count("日本") == 2  # 6 bytes


class CharCounter:
    name = "chars"

    def count(self, text: str) -> int:
        return len(text)


def test_chat_request_counts_messages_media_and_max_tokens():
    image = {"url": "data:image/png;base64," + "A" * 9999}
    payload = {
        "model": "gpt-4o",
        "messages": [
            {"role": "system", "content": "Be brief."},
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image_url", "image_url": image},
                ],
            },
        ],
        "max_completion_tokens": 200,
        "n": 2,
    }
    estimate = estimate_request(payload, CharCounter())
    strings = ["system", "Be brief.", "user", "text", "What is this?", "image_url"]
    text_tokens = sum(map(len, strings)) + len(strings) - 1  # joined by newlines; no image bytes
    overhead = 2 * MESSAGE_OVERHEAD + REPLY_PRIMING
    assert estimate == TokenEstimate(prompt=text_tokens + MEDIA_TOKENS + overhead, completion=400)


@pytest.mark.parametrize(
    ("payload", "completion"),
    [
        ({"messages": [], "max_tokens": 50}, 50),
        ({"input": "hi", "max_output_tokens": 70}, 70),  # Responses API
        ({"contents": [], "generationConfig": {"maxOutputTokens": 90}}, 90),  # Gemini
        ({"messages": []}, None),  # the limiter's default applies
    ],
)
def test_completion_ceiling_in_each_vendor_shape(payload, completion):
    assert estimate_request(payload, ByteEstimator()).completion == completion


def test_operations_that_generate_nothing_reserve_no_completion():
    estimate = estimate_request({"input": ["a", "b"]}, ByteEstimator(), generates=False)
    assert estimate.completion == 0 and estimate.prompt == 1


def test_tools_count_as_json():
    tools = [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}]
    with_tools = estimate_request({"messages": [], "tools": tools}, ByteEstimator())
    without = estimate_request({"messages": []}, ByteEstimator())
    assert with_tools.prompt > without.prompt + 10
