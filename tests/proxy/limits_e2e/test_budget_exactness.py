"""A money budget holds across three proxy processes on one Redis, like the token quotas;
a spent downgrading budget sends the next call to the cheaper model."""

from __future__ import annotations

from dataclasses import replace

import orjson

from proxy.costs.prices import Price
from proxy.costs.pricing import reservation_of
from proxy.limits import estimate_request, estimator_for
from tests.proxy.costs.prices import entry, table
from tests.proxy.support import eventually, make_deployment, next_id

from .support import Call, burst, chat, fresh_tenant_id, limited_key, post, publish

# $1,000 / $2,000 per million tokens: a few cents a call, so 100 calls pass a $1 budget.
DEAR = entry("1000", "2000")
CHEAP = entry("1", "2")
ONE_DOLLAR_MICROS = 1_000_000
PICOS_PER_MICRO = 1_000_000


def budget(limit_micros: int, **extra) -> dict:
    return {"id": next_id(), "scope": "api", "limit_micros": limit_micros, "period": "day", **extra}


def priced_deployment(mock_url: str, *budgets: dict):
    deployment = make_deployment(mock_url, tenant_id=fresh_tenant_id())
    prices = table({"gpt-4o-mini": [DEAR], "gpt-4.1-nano": [CHEAP]})
    return replace(deployment, prices=prices, budgets=list(budgets))


def reserved_picos(payload: dict) -> int:
    estimate = estimate_request(payload, estimator_for(payload["model"]))
    return reservation_of(estimate, 256, Price.from_dict(DEAR))


def events_of(registry, key_id: int, count: int) -> list[dict]:
    def found():
        events = [e for e in registry.usage_events() if e["key_id"] == key_id]
        return events if len(events) >= count else None

    return eventually(found, timeout=20)


def test_100_concurrent_calls_never_settle_above_the_budget(three_proxies, mock, registry):
    deployment = priced_deployment(mock.url, budget(ONE_DOLLAR_MICROS))
    key, snapshot = limited_key(deployment)
    publish(registry, three_proxies, deployment, snapshot)
    payload = chat(max_tokens=10)
    calls = [Call(three_proxies[i % 3].url, key, payload) for i in range(100)]

    responses = burst(calls, deployment.route)

    admitted = [r for r in responses if r.status_code == 200]
    refused = [r for r in responses if r.status_code == 429]
    assert len(admitted) + len(refused) == 100 and refused and admitted
    assert {r.json()["error"]["code"] for r in refused} == {"budget_exceeded"}
    assert all(int(r.headers["retry-after"]) >= 1 for r in refused)
    events = events_of(registry, snapshot.key_id, 100)
    settled = sum(e["cost_pico"] or 0 for e in events if e["status"] == 200)
    assert all(e["cost_pico"] > 0 for e in events if e["status"] == 200)
    bound = ONE_DOLLAR_MICROS * PICOS_PER_MICRO + 3 * reserved_picos(payload)
    assert settled <= bound
    assert settled <= ONE_DOLLAR_MICROS * PICOS_PER_MICRO  # prompts are not underestimated


def test_a_spent_downgrading_budget_calls_the_cheaper_model(three_proxies, mock, registry):
    payload = chat(max_tokens=10)
    one_call = reserved_picos(payload) // PICOS_PER_MICRO + 1
    downgrading = budget(one_call, action="downgrade", downgrade_model="gpt-4.1-nano")
    deployment = priced_deployment(mock.url, downgrading)
    key, snapshot = limited_key(deployment)
    publish(registry, three_proxies, deployment, snapshot)
    proxy = three_proxies[0]

    first = post(proxy, deployment.route, key, payload)
    mock.clear()
    second = post(proxy, deployment.route, key, payload)

    assert first.status_code == second.status_code == 200
    assert "x-tollgate-downgraded-to" not in first.headers
    assert second.headers["x-tollgate-downgraded-to"] == "gpt-4.1-nano"
    assert second.headers["x-tollgate-downgraded-from"] == "gpt-4o-mini"
    assert orjson.loads(mock.requests()[0]["body"])["model"] == "gpt-4.1-nano"
    events = sorted(events_of(registry, snapshot.key_id, 2), key=lambda e: e["ts"])
    assert [e["downgraded_from"] for e in events] == ["", "gpt-4o-mini"]
    assert events[1]["model_requested"] == "gpt-4.1-nano"
