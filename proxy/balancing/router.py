"""Serve a call from a pool: try targets in order until one answers, before the first byte.

A failure that the API retries (connect error, timeout, 429, 5xx) moves on to the next
target while attempts and the deadline last; the body already read is replayed, translated
anew by the next target's driver. Once an answer is being relayed there is no retry.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import aiohttp

from proxy.asgi import Headers, Receive, Send, send_whole
from proxy.balancing.circuits import LocalCircuits
from proxy.balancing.pool import LivePool, LiveTarget
from proxy.balancing.retry_after import retry_after_seconds
from proxy.balancing.stats import Stats, TargetStats
from proxy.balancing.strategies import candidates
from proxy.errors import (
    NO_TARGET_AVAILABLE,
    UPSTREAM_TIMEOUT,
    UPSTREAM_UNREACHABLE,
    GatewayError,
)
from proxy.forward import Forwarder, client_headers
from proxy.providers.base import Call, Driver
from proxy.record import CallRecord

_KIND_OF_ERROR = {UPSTREAM_UNREACHABLE.code: "connect", UPSTREAM_TIMEOUT.code: "timeout"}


def status_kind(status: int) -> str | None:
    if status == 429:
        return "429"
    return "5xx" if status >= 500 else None


@dataclass(slots=True)
class Answered:
    driver: Driver
    response: aiohttp.ClientResponse
    sent_at: float


@dataclass(slots=True)
class Refused:
    """A retryable answer, kept whole to give the caller when no target is left."""

    kind: str
    driver: Driver
    response: aiohttp.ClientResponse
    body: bytes


@dataclass(slots=True)
class Failed:
    kind: str
    error: GatewayError


class Router:
    """One per process: the targets' circuits and statistics outlive deployments."""

    def __init__(self, forwarder: Forwarder, circuits: LocalCircuits) -> None:
        self._forwarder = forwarder
        self.circuits = circuits
        self.stats = Stats()

    async def start(self) -> None:
        await self.circuits.start()

    async def close(self) -> None:
        await self.circuits.close()

    async def relay(
        self,
        pool: LivePool,
        call: Call,
        sticky_value: str,
        receive: Receive,
        send: Send,
        record: CallRecord,
        extra_headers: Headers,
    ) -> None:
        policy = pool.policy
        deadline = time.monotonic() + policy.deadline_seconds
        reasons: list[str] = []
        last: Refused | Failed | None = None
        for target in candidates(pool, self.stats, sticky_value):
            if record.attempts >= policy.max_attempts or time.monotonic() >= deadline:
                break
            if not await self.circuits.admits(target.key):
                continue
            record.attempts += 1
            record.target = target.name
            outcome = await self._attempt(pool, target, call, deadline)
            if isinstance(outcome, Answered):
                record.failovers = ",".join(reasons)
                await self._relay(target, outcome, receive, send, record, extra_headers)
                return
            reasons.append(f"{target.name}:{outcome.kind}")
            last = outcome
        record.failovers = ",".join(reasons)
        await _give_up(last, send, record, extra_headers)

    async def _attempt(
        self, pool: LivePool, target: LiveTarget, call: Call, deadline: float
    ) -> Answered | Refused | Failed:
        policy = pool.policy
        driver = target.open_driver(call)
        request = driver.build_request()
        timeout = deadline - time.monotonic()
        if policy.attempt_timeout_seconds is not None:
            timeout = min(timeout, policy.attempt_timeout_seconds)
        stats = self.stats.of(target.key)
        sent_at = time.perf_counter()
        stats.in_flight += 1
        try:
            async with asyncio.timeout(timeout):
                response = await self._forwarder.open(request)
        except TimeoutError:
            error = GatewayError(UPSTREAM_TIMEOUT)
            return await self._failed(pool, target, stats, Failed("timeout", error))
        except GatewayError as error:
            kind = _KIND_OF_ERROR.get(error.code)
            if kind is None or not policy.retries(kind):
                stats.in_flight -= 1
                raise
            return await self._failed(pool, target, stats, Failed(kind, error))
        status = status_kind(response.status)
        if status is not None and policy.retries(status):
            body = await _read_quietly(response)
            rest = retry_after_seconds(response.headers, policy.max_retry_after_seconds)
            refused = Refused(status, driver, response, body)
            return await self._failed(pool, target, stats, refused, rest)
        stats.observe_ttfb((time.perf_counter() - sent_at) * 1000)
        await self.circuits.succeeded(target.key, policy)
        return Answered(driver, response, sent_at)

    async def _failed(
        self,
        pool: LivePool,
        target: LiveTarget,
        stats: TargetStats,
        outcome: Refused | Failed,
        rest_seconds: float = 0.0,
    ) -> Refused | Failed:
        stats.in_flight -= 1
        await self.circuits.failed(target.key, pool.policy, rest_seconds)
        return outcome

    async def _relay(
        self,
        target: LiveTarget,
        answered: Answered,
        receive: Receive,
        send: Send,
        record: CallRecord,
        extra_headers: Headers,
    ) -> None:
        try:
            await self._forwarder.relay_response(
                answered.driver,
                answered.response,
                receive,
                send,
                record,
                extra_headers,
                answered.sent_at,
            )
        finally:
            self.stats.of(target.key).in_flight -= 1


async def _read_quietly(response: aiohttp.ClientResponse) -> bytes:
    try:
        return await response.read()
    except (aiohttp.ClientError, TimeoutError):
        return b""
    finally:
        response.release()


async def _give_up(
    last: Refused | Failed | None, send: Send, record: CallRecord, extra_headers: Headers
) -> None:
    """No target answered: the last failure as the caller would have had it from that target."""
    if last is None:
        raise GatewayError(NO_TARGET_AVAILABLE)
    if isinstance(last, Failed):
        raise last.error
    status, body = last.driver.map_error(last.response.status, last.body)
    record.status = status
    record.response_started = True
    await send_whole(send, status, client_headers(last.response, extra_headers, record), body)
