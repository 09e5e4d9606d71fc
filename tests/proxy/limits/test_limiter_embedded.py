"""The limiter on in-process counters (embedded mode): levels, codes, tokens, headers."""

from __future__ import annotations

import pytest

from proxy.contract import Limits
from proxy.limits import (
    UNLIMITED,
    Limiter,
    LimiterConfig,
    TokenEstimate,
    Usage,
    openai_duration,
)

from .helpers import FakeClock, identity, run


@pytest.fixture
def limiter(clock: FakeClock) -> Limiter:
    return Limiter.from_config(LimiterConfig(default_max_tokens=100), clock=clock)


def test_no_limits_admits_with_no_headers(limiter):
    decision = run(limiter.admit(identity(), TokenEstimate(10, 10)))
    assert decision is UNLIMITED
    assert decision.headers() == []
    run(limiter.settle(decision, Usage(5, 5)))


def test_request_limit_counts_down_then_refuses_until_the_window_resets(limiter, clock):
    ident = identity(plan=Limits(requests=3, unit_seconds=60))
    remaining = []
    for _ in range(3):
        decision = run(limiter.admit(ident, None))
        assert decision.admitted
        remaining.append(dict(decision.headers())["x-ratelimit-remaining-requests"])
    assert remaining == ["2", "1", "0"]
    refused = run(limiter.admit(ident, None))
    headers = dict(refused.headers())
    assert not refused.admitted and refused.status == 429
    assert refused.code == "rate_limit_requests" and refused.error_type == "requests"
    assert refused.retry_after == 30  # the fake clock stands mid-window
    assert headers["retry-after"] == "30"
    assert headers["x-ratelimit-limit-requests"] == "3"
    assert headers["x-ratelimit-reset-requests"] == "30s"
    clock.advance(30)
    assert run(limiter.admit(ident, None)).admitted


@pytest.mark.parametrize(
    ("level", "code"),
    [
        ("plan", "rate_limit_requests"),
        ("application", "application_rate_limit_requests"),
        ("backend", "backend_rate_limit_requests"),
    ],
)
def test_each_level_refuses_with_its_own_code(limiter, level, code):
    ident = identity(**{level: Limits(requests=1)})
    assert run(limiter.admit(ident, None)).admitted
    assert run(limiter.admit(ident, None)).code == code


def test_a_refusal_takes_nothing_from_the_other_levels(limiter):
    plan = Limits(requests=5)
    blocked = identity(plan=plan, application=Limits(requests=0))
    for _ in range(3):
        assert run(limiter.admit(blocked, None)).code == "application_rate_limit_requests"
    free = identity(plan=plan)
    assert dict(run(limiter.admit(free, None)).headers())["x-ratelimit-remaining-requests"] == "4"


def test_soft_plan_limit_admits_and_flags(limiter):
    ident = identity(plan=Limits(requests=2, stop_on_quota=False))
    flags = [run(limiter.admit(ident, None)) for _ in range(4)]
    assert all(decision.admitted for decision in flags)
    assert [decision.quota_exceeded for decision in flags] == [False, False, True, True]


def test_soft_flag_is_plan_only_other_levels_always_stop(limiter):
    ident = identity(application=Limits(requests=1, stop_on_quota=False))
    run(limiter.admit(ident, None))
    assert not run(limiter.admit(ident, None)).admitted


def test_tokens_are_reserved_then_settled_to_actual_usage(limiter):
    ident = identity(plan=Limits(total_tokens=1000))
    decision = run(limiter.admit(ident, TokenEstimate(prompt=10, completion=300)))
    assert dict(decision.headers())["x-ratelimit-remaining-tokens"] == "690"
    run(limiter.settle(decision, Usage(prompt_tokens=12, completion_tokens=38)))
    assert dict(decision.headers())["x-ratelimit-remaining-tokens"] == "950"
    run(limiter.settle(decision, Usage()))  # settling twice changes nothing
    after = run(limiter.admit(ident, TokenEstimate(prompt=0, completion=0)))
    assert dict(after.headers())["x-ratelimit-remaining-tokens"] == "950"


def test_reservations_refuse_before_the_budget_is_spent(limiter):
    ident = identity(plan=Limits(total_tokens=1000))
    admitted = [run(limiter.admit(ident, TokenEstimate(10, 300))) for _ in range(4)]
    assert [d.admitted for d in admitted] == [True, True, True, False]
    assert admitted[-1].code == "quota_tokens" and admitted[-1].error_type == "tokens"
    run(limiter.settle(admitted[0], Usage(10, 0)))  # 300 refunded
    assert run(limiter.admit(ident, TokenEstimate(10, 300))).admitted


def test_missing_max_tokens_reserves_the_default(limiter):
    ident = identity(plan=Limits(total_tokens=1000))
    decision = run(limiter.admit(ident, TokenEstimate(prompt=20)))
    assert dict(decision.headers())["x-ratelimit-remaining-tokens"] == "880"


def test_unknown_usage_keeps_the_reservation_and_none_estimate_skips_tokens(limiter):
    ident = identity(plan=Limits(requests=10, total_tokens=1000))
    decision = run(limiter.admit(ident, TokenEstimate(100, 100)))
    run(limiter.settle(decision, None))
    plain = run(limiter.admit(ident, None))
    assert "x-ratelimit-remaining-tokens" not in dict(plain.headers())
    probe = run(limiter.admit(ident, TokenEstimate(0, 0)))
    assert dict(probe.headers())["x-ratelimit-remaining-tokens"] == "800"


def test_prompt_and_completion_limits_count_separately(limiter):
    ident = identity(plan=Limits(prompt_tokens=100, completion_tokens=500))
    decision = run(limiter.admit(ident, TokenEstimate(prompt=60, completion=200)))
    assert decision.admitted
    refused = run(limiter.admit(ident, TokenEstimate(prompt=60, completion=10)))
    assert refused.code == "quota_prompt_tokens"
    run(limiter.settle(decision, Usage(prompt_tokens=30, completion_tokens=400)))
    refused = run(limiter.admit(ident, TokenEstimate(prompt=10, completion=200)))
    assert refused.code == "quota_completion_tokens"


def test_a_request_larger_than_the_whole_budget_is_told_so_without_retry_after(limiter):
    ident = identity(plan=Limits(total_tokens=1000))
    decision = run(limiter.admit(ident, TokenEstimate(prompt=10, completion=4096)))
    assert decision.code == "request_too_large_for_quota"
    assert decision.retry_after is None
    assert "retry-after" not in dict(decision.headers())


def test_an_exhausted_token_budget_refuses_even_zero_cost_calls(limiter):
    ident = identity(plan=Limits(total_tokens=100))
    run(limiter.admit(ident, TokenEstimate(50, 50)))
    assert run(limiter.admit(ident, TokenEstimate(0, 0))).code == "quota_tokens"


def test_headers_report_the_tightest_counter(limiter):
    ident = identity(plan=Limits(requests=100), application=Limits(requests=10, unit_seconds=3600))
    headers = dict(run(limiter.admit(ident, None)).headers())
    assert headers["x-ratelimit-limit-requests"] == "10"
    assert headers["x-ratelimit-remaining-requests"] == "9"
    assert headers["x-ratelimit-reset-requests"] == "59m30s"


def test_raw_headers_are_bytes_for_asgi(limiter):
    decision = run(limiter.admit(identity(plan=Limits(requests=1)), None))
    assert (b"x-ratelimit-limit-requests", b"1") in decision.raw_headers()


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0ms"), (0.0201, "21ms"), (1, "1s"), (1.5, "1.5s"), (360, "6m0s"), (3723.25, "1h2m3.25s")],
)
def test_openai_duration_format(seconds, text):
    assert openai_duration(seconds) == text
