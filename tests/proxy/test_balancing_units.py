"""The balancer, circuits and routing settings in process (the e2e tests cover the wiring)."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from proxy.balancing.circuits import CLOSED, HALF_OPEN, OPEN, LocalCircuits
from proxy.balancing.policy import RoutingPolicy
from proxy.balancing.pool import LivePool, LiveTarget, _groups
from proxy.balancing.retry_after import retry_after_seconds
from proxy.balancing.router import _give_up
from proxy.balancing.stats import Stats
from proxy.balancing.strategies import candidates
from proxy.contract import Auth, Endpoint, Vendor
from proxy.errors import GatewayError
from proxy.record import CallRecord

VENDOR = Vendor("openai", "OpenAI", "v1", "openai", Auth())


def target(name: str, weight: int = 1, priority: int = 0) -> LiveTarget:
    return LiveTarget(
        name, f"k:{name}", Endpoint(f"https://{name}.test"), "", VENDOR, None, "", weight, priority
    )


def pool(*targets: LiveTarget, **policy) -> LivePool:
    return LivePool(RoutingPolicy(**policy), _groups(targets), targets)


def firsts(p: LivePool, calls: int, stats: Stats | None = None, sticky: str = "") -> Counter:
    stats = stats or Stats()
    return Counter(candidates(p, stats, sticky)[0].name for _ in range(calls))


def test_weights_are_respected_within_five_percent_over_2000_calls():
    p = pool(target("a", 5), target("b", 3), target("c", 2))
    counts = firsts(p, 2000)
    for name, share in (("a", 0.5), ("b", 0.3), ("c", 0.2)):
        assert abs(counts[name] / 2000 - share) <= 0.05 * share


def test_priority_groups_fail_over_to_the_next_group_in_order():
    p = pool(target("backup", priority=1), target("a"), target("b"), target("last", priority=2))
    order = [t.name for t in candidates(p, Stats(), "")]
    assert set(order[:2]) == {"a", "b"}
    assert order[2:] == ["backup", "last"]


def test_lowest_latency_picks_the_fastest_moving_average():
    stats = Stats()
    a, b = target("a"), target("b")
    for ms in (100, 120, 90):
        stats.of(a.key).observe_ttfb(ms)
    for ms in (40, 300, 35):  # one slow answer does not undo a fast average at once
        stats.of(b.key).observe_ttfb(ms)
    assert stats.of(b.key).ttfb_ms < stats.of(a.key).ttfb_ms
    assert firsts(pool(a, b, strategy="latency"), 3, stats) == Counter({"b": 3})


def test_least_busy_picks_the_fewest_in_flight_per_weight():
    stats = Stats()
    a, b = target("a", weight=2), target("b")
    stats.of(a.key).in_flight = 3  # 1.5 per weight
    stats.of(b.key).in_flight = 1
    assert candidates(pool(a, b, strategy="least_busy"), stats, "")[0] is b
    stats.of(b.key).in_flight = 2
    assert candidates(pool(a, b, strategy="least_busy"), stats, "")[0] is a


def test_sticky_keeps_a_value_on_its_target_and_moves_only_a_removed_targets_values():
    three = pool(target("a"), target("b"), target("c"), strategy="sticky")
    two = pool(target("a"), target("b"), strategy="sticky")
    before = {f"user-{i}": candidates(three, Stats(), f"user-{i}")[0].name for i in range(300)}
    after = {f"user-{i}": candidates(two, Stats(), f"user-{i}")[0].name for i in range(300)}
    assert len(set(before.values())) == 3
    for value, name in before.items():
        if name != "c":
            assert after[value] == name
    assert firsts(three, 5, sticky="user-1") == Counter({before["user-1"]: 5})


def test_sticky_without_the_header_balances_by_weight():
    assert firsts(pool(target("a"), target("b"), strategy="sticky"), 10) == Counter(a=5, b=5)


def test_consecutive_failures_open_then_one_probe_closes():
    async def scenario() -> None:
        circuits, policy = LocalCircuits(), RoutingPolicy(circuit_failures=2, suspend_seconds=0.05)
        await circuits.failed("t", policy)
        assert circuits.state("t") == CLOSED
        await circuits.failed("t", policy)
        assert circuits.state("t") == OPEN
        assert not await circuits.admits("t")
        await asyncio.sleep(0.06)
        assert circuits.state("t") == HALF_OPEN
        assert await circuits.admits("t")  # the probe
        assert not await circuits.admits("t")  # only one
        await circuits.succeeded("t", policy)
        assert circuits.state("t") == CLOSED and await circuits.admits("t")

    asyncio.run(scenario())


def test_a_failed_probe_opens_the_circuit_again():
    async def scenario() -> None:
        circuits, policy = LocalCircuits(), RoutingPolicy(circuit_failures=1, suspend_seconds=0.05)
        await circuits.failed("t", policy)
        await asyncio.sleep(0.06)
        assert await circuits.admits("t")
        await circuits.failed("t", policy)
        assert circuits.state("t") == OPEN

    asyncio.run(scenario())


def test_an_error_rate_over_the_window_opens_the_circuit():
    async def scenario() -> None:
        circuits = LocalCircuits()
        policy = RoutingPolicy(circuit_failures=0, circuit_error_rate=0.5, circuit_window=4)
        for failed in (False, True, False, True):
            if failed:
                await circuits.failed("t", policy)
            else:
                await circuits.succeeded("t", policy)
        assert circuits.state("t") == OPEN

    asyncio.run(scenario())


def test_retry_after_rests_the_target_that_long():
    async def scenario() -> None:
        circuits, policy = LocalCircuits(), RoutingPolicy()
        await circuits.failed("t", policy, rest_seconds=30)
        assert circuits.state("t") == OPEN

    asyncio.run(scenario())


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("", 0.0), ("2", 2.0), ("1.5", 1.5), ("-3", 0.0), ("9999", 300.0), ("soon", 0.0)],
)
def test_retry_after_is_read_in_seconds_and_capped(value: str, seconds: float):
    assert retry_after_seconds({"retry-after": value}, 300.0) == seconds


def test_retry_after_as_an_http_date():
    assert retry_after_seconds({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, 300.0) == 0.0


@pytest.mark.parametrize(
    ("routing", "message"),
    [
        ({"strategy": "random"}, "strategy must be one of"),
        ({"retry_on": ["404"]}, "retry_on takes"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"deadline_seconds": 0}, "deadline_seconds"),
        ({"circuit_error_rate": 2}, "circuit_error_rate"),
        ({"suspend_seconds": -1}, "suspend_seconds"),
        ({"colour": "blue"}, "unknown routing setting: colour"),
    ],
)
def test_routing_settings_are_checked(routing: dict, message: str):
    with pytest.raises(ValueError, match=message):
        RoutingPolicy.from_dict(routing)


def test_routing_settings_round_trip():
    policy = RoutingPolicy.from_dict({"strategy": "latency", "retry_on": ["5xx"]})
    assert RoutingPolicy.from_dict(policy.to_dict()) == policy


def test_a_pool_with_every_circuit_open_answers_503_no_target_available():
    async def send(message) -> None:
        raise AssertionError("nothing is sent before the gateway's error")

    record = CallRecord("r1", 0.0, "POST", "/chat/completions")
    with pytest.raises(GatewayError) as refused:
        asyncio.run(_give_up(None, send, record, []))
    assert (refused.value.status, refused.value.code) == (503, "no_target_available")
