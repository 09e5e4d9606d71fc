"""Budgets: money per period, reserved before a call and settled after, on the limits engine.

Each budget that applies to a call is one counter in micros of its currency (Dimension.COST),
whose window is the budget's period (anchored at the period start, so a calendar month is one
window). The reservation is the prompt estimate at the input price plus max_tokens at the
output price; it is taken atomically on every budget of the call (one Lua script in Redis, so
N proxy processes never admit past a budget) and settled to the call's priced usage. At 100 %
a budget either refuses (429 `budget_exceeded`, retry-after at the period's end) or sends the
call to the publisher's cheaper model.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import orjson

from proxy.contract import DeploymentSnapshot, KeySnapshot, SubscriptionGrant
from proxy.costs.metering import price_for
from proxy.costs.periods import period_bounds
from proxy.costs.prices import PICOS_PER_MICRO, Price
from proxy.costs.pricing import cost_of, reservation_of
from proxy.errors import BUDGET_EXCEEDED, GatewayError
from proxy.limiting import open_counters_redis
from proxy.limits import LimiterConfig, estimator_for, estimator_loaded
from proxy.limits.estimate import estimate_call
from proxy.limits.limiter import Limiter
from proxy.limits.model import Counter, Dimension, Level, Usage
from proxy.limits.store import Adjustment, Clock, CounterStore, Take, Taken
from proxy.record import CallRecord

log = logging.getLogger("proxy")

DOWNGRADED_FROM = b"x-tollgate-downgraded-from"
DOWNGRADED_TO = b"x-tollgate-downgraded-to"


@dataclass(frozen=True, slots=True)
class Budget:
    id: int
    scope: str
    limit_micros: int
    period: str
    action: str = "refuse"
    downgrade_model: str = ""
    api_id: int | None = None  # subscription budgets: the API of the subscription

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Budget:
        return cls(
            id=int(data["id"]),
            scope=data["scope"],
            limit_micros=int(data["limit_micros"]),
            period=data["period"],
            action=data.get("action") or "refuse",
            downgrade_model=data.get("downgrade_model") or "",
            api_id=data.get("api_id"),
        )

    @property
    def downgrades(self) -> bool:
        return self.action == "downgrade" and bool(self.downgrade_model)


def budgets_of(
    deployment: DeploymentSnapshot, key: KeySnapshot, grant: SubscriptionGrant | None
) -> list[Budget]:
    """Every budget of the call: tenant and API (deployment), application, subscription, key."""
    found = [Budget.from_dict(data) for data in deployment.budgets]
    for data in key.budgets:
        budget = Budget.from_dict(data)
        if budget.scope != "subscription" or budget.api_id == deployment.api_id:
            found.append(budget)
    return found


def to_micros(picos: int) -> int:
    return -(-picos // PICOS_PER_MICRO)


class BudgetHold:
    """The budgets a call reserved on; settled once with the call's usage."""

    def __init__(
        self,
        gate: BudgetGate,
        takes: list[Take],
        taken: list[Taken],
        store: CounterStore,
        price: Price | None,
        deployment: DeploymentSnapshot,
    ) -> None:
        self._gate = gate
        self._deployment = deployment
        self._takes = takes
        self._taken = taken
        self._store = store
        self._price = price
        self.headers: list[tuple[bytes, bytes]] = []
        self._settled = False

    async def settle(self, usage: Usage, status: int) -> None:
        if self._settled:
            return
        self._settled = True
        if not usage.reported and status < 400:
            return  # a success without usage keeps its reservation as the charge
        price = self._price
        if price is None and usage.model:  # e.g. a model named in the path, not the body
            price = price_for(self._deployment, usage.model, time.strftime("%Y-%m-%d"))
        spent = to_micros(cost_of(usage, price)) if price and usage.reported else 0
        adjustments = [
            Adjustment(take.counter, answer.window_start, spent - take.amount)
            for take, answer in zip(self._takes, self._taken, strict=True)
            if spent != take.amount
        ]
        if adjustments:
            await self._gate.adjust(self._store, adjustments)


class BudgetGate:
    """Opened once per process: shared counters in Redis, or in this process (embedded)."""

    def __init__(self, config: Any, *, clock: Clock = time.time) -> None:
        self._config = config
        self._clock = clock
        self._redis: Any = None
        self._counters: Any = None
        self._default_max_tokens = 256

    async def start(self) -> None:
        limits_config = LimiterConfig.from_env()
        self._default_max_tokens = limits_config.default_max_tokens
        if not self._config.embedded:
            timeout = limits_config.redis_timeout_seconds
            self._redis = open_counters_redis(self._config.redis_url, timeout)
        engine = Limiter.from_config(limits_config, redis=self._redis, clock=self._clock)
        self._counters = engine.counters

    async def close(self) -> None:
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    async def adjust(self, store: CounterStore, adjustments: Sequence[Adjustment]) -> None:
        await self._counters.adjust(store, adjustments)

    async def admit(
        self,
        deployment: DeploymentSnapshot,
        key: KeySnapshot,
        grant: SubscriptionGrant | None,
        model: str,
        payload: dict[str, Any] | None,
        operation: str,
    ) -> tuple[BudgetHold, str]:
        """Reserve on every budget of the call; returns the hold and the model to call (a
        cheaper one when a spent budget downgrades). Raises 429 budget_exceeded otherwise."""
        budgets = budgets_of(deployment, key, grant)
        now = self._clock()
        day = time.strftime("%Y-%m-%d", time.gmtime(now))
        price = price_for(deployment, model, day)
        amount = await self._reservation(price, payload, model, operation)
        counters = [_counter(deployment.tenant_id, budget, now) for budget in budgets]
        store, outcome = await self._counters.acquire([Take(c, amount) for c in counters])
        if outcome.failed is None:
            return BudgetHold(
                self, _takes(counters, amount), outcome.taken, store, price, deployment
            ), model
        failed = budgets[outcome.failed]
        # A model named in the URL (not the body) cannot be rewritten: refuse it instead.
        if not failed.downgrades or failed.downgrade_model == model or not model:
            raise _refusal(failed, counters[outcome.failed], now)
        return await self._downgrade(deployment, budgets, payload, operation, now, model)

    async def _downgrade(
        self,
        deployment: DeploymentSnapshot,
        budgets: list[Budget],
        payload: dict[str, Any] | None,
        operation: str,
        now: float,
        model: str,
    ) -> tuple[BudgetHold, str]:
        """Charge the cheaper model's call; downgrading budgets take it past their limit."""
        cheaper = next(b.downgrade_model for b in budgets if b.downgrades)
        day = time.strftime("%Y-%m-%d", time.gmtime(now))
        price = price_for(deployment, cheaper, day)
        amount = await self._reservation(price, payload, cheaper, operation)
        counters = [
            _counter(deployment.tenant_id, budget, now, hard=not budget.downgrades)
            for budget in budgets
        ]
        store, outcome = await self._counters.acquire([Take(c, amount) for c in counters])
        if outcome.failed is not None:
            raise _refusal(budgets[outcome.failed], counters[outcome.failed], now)
        hold = BudgetHold(self, _takes(counters, amount), outcome.taken, store, price, deployment)
        hold.headers = [(DOWNGRADED_FROM, model.encode()), (DOWNGRADED_TO, cheaper.encode())]
        return hold, cheaper

    async def _reservation(
        self, price: Price | None, payload: dict[str, Any] | None, model: str, operation: str
    ) -> int:
        if price is None:
            return 0  # unpriced: nothing to reserve, still refused once the budget is spent
        if not estimator_loaded(model):
            await asyncio.to_thread(estimator_for, model)
        estimate = estimate_call(payload, model, operation)
        if estimate is None:
            return 0
        return to_micros(reservation_of(estimate, self._default_max_tokens, price))


def _counter(tenant_id: int, budget: Budget, now: float, *, hard: bool = True) -> Counter:
    start, end = period_bounds(budget.period, now)
    key = f"{tenant_id}:budget:{budget.id}:{budget.period}"
    return Counter(key, Level.BUDGET, Dimension.COST, budget.limit_micros, end - start, hard, start)


def _takes(counters: list[Counter], amount: int) -> list[Take]:
    return [Take(counter, amount) for counter in counters]


def _refusal(budget: Budget, counter: Counter, now: float) -> GatewayError:
    end = counter.anchor + counter.unit_seconds
    retry_after = max(1, math.ceil(end - now))
    message = (
        f"The {budget.scope}'s budget for this {budget.period} is spent "
        f"({Decimal(budget.limit_micros).scaleb(-6).normalize():f} in its currency); "
        f"it renews in {retry_after}s."
    )
    return GatewayError(BUDGET_EXCEEDED, message, headers=[(b"retry-after", b"%d" % retry_after)])


async def hold_budgets(
    gate: BudgetGate,
    record: CallRecord,
    key: KeySnapshot,
    grant: SubscriptionGrant | None,
    payload: dict[str, Any] | None,
    body: bytes,
) -> tuple[dict[str, Any] | None, bytes, list[tuple[bytes, bytes]]]:
    """The gateway's call: reserve, note a downgrade on the record, rewrite the body for it."""
    deployment = record.deployment
    assert deployment is not None
    model = record.model_requested
    hold, chosen = await gate.admit(deployment, key, grant, model, payload, record.operation)
    record.budget_hold = hold
    if chosen != model and payload is not None:
        record.downgraded_from, record.model_requested = model, chosen
        payload, body = rewrite_model(payload, chosen)
    return payload, body, hold.headers


async def settle_budgets(record: CallRecord) -> None:
    try:
        await record.budget_hold.settle(record.usage, record.status)
    except Exception:
        log.exception(
            "settling the budgets failed",
            extra={"event": "budget_settle_failed", "request_id": record.request_id},
        )


def rewrite_model(payload: dict[str, Any], model: str) -> tuple[dict[str, Any], bytes]:
    """The request body with another model (vendors that name the model in the body)."""
    changed = {**payload, "model": model}
    return changed, orjson.dumps(changed)
