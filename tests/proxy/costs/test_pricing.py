"""Prices resolved by model, alias, dated name and date; every vendor's usage shape priced,
cached, cache-write and reasoning tokens at their own rates."""

from __future__ import annotations

from proxy.costs.prices import PriceTable
from proxy.costs.pricing import cost_of, reservation_of
from proxy.limits.model import TokenEstimate, Usage
from proxy.providers.anthropic.response import anthropic_usage
from proxy.providers.gemini.response import gemini_usage
from proxy.providers.openai.driver import usage_of
from tests.proxy.costs.prices import ANTHROPIC, GEMINI, OPENAI, entry, table

TODAY = "2026-12-05"


def price(snapshot_table, model):
    found = PriceTable.from_snapshot(snapshot_table).price(model, TODAY)
    assert found is not None
    return found


def test_dated_names_and_aliases_resolve_to_the_priced_model():
    prices = PriceTable.from_snapshot(
        table({"gpt-4o": [entry("2.50", "10")]}, **{"chatgpt-4o": "gpt-4o"})
    )
    assert prices.resolve("gpt-4o-2024-08-06") == "gpt-4o"
    assert prices.resolve("chatgpt-4o") == "gpt-4o"
    assert prices.resolve("chatgpt-4o-latest") == "gpt-4o"
    assert prices.resolve("models/gpt-4o") == "gpt-4o"
    assert prices.resolve("gpt-4o-mini") is None  # another model, not a dated gpt-4o
    assert prices.price("unknown-model", TODAY) is None


def test_the_price_in_force_on_the_call_date_applies():
    prices = PriceTable.from_snapshot(
        table(
            {
                "m": [
                    entry("2", "8", effective_from="2026-07-01"),
                    entry("1", "4", effective_from="2026-01-01"),
                ]
            }
        )
    )
    assert prices.price("m", "2025-12-31") is None  # before any price
    assert prices.price("m", "2026-03-01").input == 1_000_000
    assert prices.price("m", "2026-07-01").input == 2_000_000


def test_openai_cached_and_reasoning_tokens_at_their_rates():
    usage = usage_of(
        {
            "model": "gpt-4o-mini-2024-07-18",
            "usage": {
                "prompt_tokens": 1000,
                "completion_tokens": 300,
                "total_tokens": 1300,
                "prompt_tokens_details": {"cached_tokens": 400},
                "completion_tokens_details": {"reasoning_tokens": 100},
            },
        }
    )
    assert usage is not None
    assert (usage.cached_tokens, usage.reasoning_tokens) == (400, 100)
    # 600 × $0.15 + 400 × $0.075 + 300 × $0.60 (reasoning at the output price), per million
    assert cost_of(usage, price(OPENAI, usage.model)) == (600 * 150_000 + 400 * 75_000) + (
        300 * 600_000
    )


def test_anthropic_cache_reads_and_writes_at_their_rates():
    usage = anthropic_usage(
        {
            "input_tokens": 50,
            "cache_creation_input_tokens": 200,
            "cache_read_input_tokens": 1000,
            "output_tokens": 40,
        },
        "claude-sonnet-4-5-20250929",
    )
    assert (usage.prompt_tokens, usage.cached_tokens, usage.cache_write_tokens) == (1250, 1000, 200)
    expected = 50 * 3_000_000 + 1000 * 300_000 + 200 * 3_750_000 + 40 * 15_000_000
    assert cost_of(usage, price(ANTHROPIC, usage.model)) == expected


def test_gemini_cached_content_and_thoughts_at_their_rates():
    usage = gemini_usage(
        {
            "modelVersion": "gemini-2.5-flash",
            "usageMetadata": {
                "promptTokenCount": 800,
                "cachedContentTokenCount": 600,
                "candidatesTokenCount": 20,
                "thoughtsTokenCount": 30,
                "totalTokenCount": 850,
            },
        }
    )
    assert (usage.prompt_tokens, usage.completion_tokens) == (800, 50)
    assert (usage.cached_tokens, usage.reasoning_tokens) == (600, 30)
    expected = 200 * 300_000 + 600 * 30_000 + 50 * 2_500_000
    assert cost_of(usage, price(GEMINI, usage.model)) == expected


def test_a_reasoning_price_of_its_own_applies_to_reasoning_tokens():
    reasoner = price(table({"r": [entry("1", "4", reasoning="8")]}), "r")
    usage = Usage(prompt_tokens=10, completion_tokens=30, reasoning_tokens=20)
    assert cost_of(usage, reasoner) == 10 * 1_000_000 + 10 * 4_000_000 + 20 * 8_000_000


def test_details_never_count_more_than_their_totals():
    usage = Usage(prompt_tokens=10, completion_tokens=5, cached_tokens=99, reasoning_tokens=99)
    assert cost_of(usage, price(OPENAI, "gpt-4o-mini")) == 10 * 75_000 + 5 * 600_000


def test_reservation_is_prompt_at_input_plus_max_tokens_at_output():
    gpt = price(OPENAI, "gpt-4o-mini")
    assert reservation_of(TokenEstimate(100, 50), 256, gpt) == 100 * 150_000 + 50 * 600_000
    assert reservation_of(TokenEstimate(100, None), 256, gpt) == 100 * 150_000 + 256 * 600_000


def test_stream_usage_merges_details_from_every_event():
    usage = Usage()
    usage.merge(anthropic_usage({"input_tokens": 5, "cache_read_input_tokens": 7}, "m"))
    usage.merge(anthropic_usage({"output_tokens": 9}))
    assert (usage.prompt_tokens, usage.cached_tokens, usage.completion_tokens) == (12, 7, 9)
