"""Budgets on the limits engine (in-process counters): reserve, settle, refuse with retry-after
at the period's end, downgrade, and a calendar month that starts afresh on the 1st."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from proxy.costs.budgets import BudgetGate, budgets_of
from proxy.costs.periods import period_bounds
from proxy.errors import GatewayError
from proxy.limits.model import Usage
from tests.proxy.costs.prices import entry, table
from tests.proxy.support import make_deployment, make_key

# $1 per million tokens in, $2 out: a call of 100 prompt + 100 completion tokens costs $0.0003.
PRICES = table({"cheap": [entry("1", "2")], "dear": [entry("10", "20")]})
BODY = {"model": "dear", "messages": [{"role": "user", "content": "hi"}], "max_tokens": 10}


def epoch(*parts: int) -> float:
    return datetime(*parts, tzinfo=UTC).timestamp()


class Clock:
    def __init__(self, at: float) -> None:
        self.at = at

    def __call__(self) -> float:
        return self.at


def budget(limit_micros: int, **extra) -> dict:
    return {"id": 1, "scope": "api", "limit_micros": limit_micros, "period": "month", **extra}


def open_gate(clock: Clock) -> BudgetGate:
    gate = BudgetGate(SimpleNamespace(embedded=True), clock=clock)
    asyncio.run(gate.start())
    return gate


def snapshots(*budgets: dict):
    deployment = replace(make_deployment("http://mock"), prices=PRICES, budgets=list(budgets))
    _, key = make_key(subscriptions={deployment.api_id: "ACTIVE"})
    return deployment, key


def admit(gate: BudgetGate, deployment, key, body=BODY):
    return asyncio.run(gate.admit(deployment, key, None, body["model"], body, "/chat/completions"))


def spend(gate, deployment, key, usage: Usage) -> None:
    hold, _ = admit(gate, deployment, key)
    asyncio.run(hold.settle(usage, 200))


def test_week_starts_monday_and_month_on_the_first():
    wednesday = epoch(2026, 12, 2, 15)
    assert period_bounds("week", wednesday) == (epoch(2026, 11, 30), epoch(2026, 12, 7))
    assert period_bounds("month", wednesday) == (epoch(2026, 12, 1), epoch(2027, 1, 1))
    assert period_bounds("day", wednesday) == (epoch(2026, 12, 2), epoch(2026, 12, 3))


def test_spent_budget_refuses_with_retry_after_at_the_period_end():
    clock = Clock(epoch(2026, 1, 31, 23, 0))
    gate = open_gate(clock)
    deployment, key = snapshots(budget(300))  # $0.0003: one call of 100 + 100 tokens at $10/$20
    spend(gate, deployment, key, Usage(10, 10, model="dear"))  # $0.0003 exactly

    with pytest.raises(GatewayError) as refused:
        admit(gate, deployment, key)
    assert (refused.value.status, refused.value.code) == (429, "budget_exceeded")
    assert dict(refused.value.headers)[b"retry-after"] == b"3600"


def test_month_window_resets_on_the_first():
    clock = Clock(epoch(2026, 1, 31, 23, 59))
    gate = open_gate(clock)
    deployment, key = snapshots(budget(300))
    spend(gate, deployment, key, Usage(10, 10, model="dear"))
    with pytest.raises(GatewayError):
        admit(gate, deployment, key)

    clock.at = epoch(2026, 2, 1, 0, 0, 1)  # time travel to the 1st
    hold, model = admit(gate, deployment, key)
    assert model == "dear"


def test_settlement_refunds_the_unused_reservation():
    gate = open_gate(Clock(epoch(2026, 3, 10)))
    deployment, key = snapshots(budget(1000))
    reserved = admit(gate, deployment, key)[0]._takes[0].amount  # prompt + 10 tokens at $20/M
    calls = 0
    with pytest.raises(GatewayError):
        while True:
            hold, _ = admit(gate, deployment, key)
            asyncio.run(hold.settle(Usage(1, 1, model="dear"), 200))  # $0.00003: 30 micros
            calls += 1
    assert calls * 30 + reserved > 1000 - reserved  # admitted while a reservation fitted
    assert calls * 30 + reserved <= 1000
    assert calls > 1000 // reserved  # far more calls than without refunds


def test_a_failed_call_is_refunded_in_full():
    gate = open_gate(Clock(epoch(2026, 3, 10)))
    deployment, key = snapshots(budget(300))
    for _ in range(5):
        hold, _ = admit(gate, deployment, key)
        asyncio.run(hold.settle(Usage(), 502))
    spend(gate, deployment, key, Usage(10, 10, model="dear"))


def test_spent_downgrading_budget_sends_the_call_to_the_cheaper_model():
    gate = open_gate(Clock(epoch(2026, 3, 10)))
    deployment, key = snapshots(budget(300, action="downgrade", downgrade_model="cheap"))
    spend(gate, deployment, key, Usage(10, 10, model="dear"))

    hold, model = admit(gate, deployment, key)
    assert model == "cheap"
    assert dict(hold.headers) == {
        b"x-tollgate-downgraded-from": b"dear",
        b"x-tollgate-downgraded-to": b"cheap",
    }


def test_a_refusing_budget_still_refuses_a_downgraded_call():
    gate = open_gate(Clock(epoch(2026, 3, 10)))
    downgrading = budget(300, action="downgrade", downgrade_model="cheap")
    refusing = {**budget(300), "id": 2, "scope": "tenant"}
    deployment, key = snapshots(downgrading, refusing)
    spend(gate, deployment, key, Usage(10, 10, model="dear"))
    with pytest.raises(GatewayError):
        admit(gate, deployment, key)


def test_subscription_budgets_apply_to_their_api_only():
    deployment, key = snapshots()
    other = {"id": 7, "scope": "subscription", "limit_micros": 1, "period": "day", "api_id": 0}
    own = {**other, "id": 8, "api_id": deployment.api_id}
    app = {**other, "id": 9, "scope": "application", "api_id": None}
    key = replace(key, budgets=[other, own, app])
    assert [b.id for b in budgets_of(deployment, key, None)] == [8, 9]
