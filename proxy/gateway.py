"""The hot path: route, authenticate, authorize, limit, forward, meter — in that order."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from proxy.accesslog import AccessLog
from proxy.asgi import (
    JSON_CONTENT_TYPE,
    ClientDisconnected,
    Receive,
    Scope,
    Send,
    header_map,
    read_body,
    send_whole,
)
from proxy.auth import authenticate, authorize
from proxy.balancing import Router
from proxy.config import ProxyConfig
from proxy.costs.budgets import BudgetGate, hold_budgets, settle_budgets
from proxy.costs.metering import meter_cost
from proxy.errors import GATEWAY_NOT_READY, INTERNAL_ERROR, GatewayError
from proxy.forward import Forwarder, upstream_headers
from proxy.ingress import error_body, ingress_for, open_call_driver, requested_model
from proxy.jsonbody import object_or_none
from proxy.limits.model import CallIdentity
from proxy.policies.apply_defaults import apply_gateway_defaults
from proxy.policies.base import policy_actions_json
from proxy.policy_hooks import (
    NOTHING_RESERVED,
    AdmissionRequest,
    Limiter,
    Reservation,
    sets_limits,
    skips_unlimited_calls,
)
from proxy.providers.base import Call
from proxy.record import CallRecord
from proxy.registry import Registry
from proxy.request_ids import new_request_id, response_ids
from proxy.routing import resolve
from proxy.usage import UsageEvent, UsageSink, utc_now_iso

if TYPE_CHECKING:  # loaded only when metrics or tracing are on
    from proxy.metrics import CallObserver
    from proxy.tracing import CallTracer

log = logging.getLogger("proxy")


class Gateway:
    def __init__(
        self,
        config: ProxyConfig,
        registry: Registry,
        forwarder: Forwarder,
        sink: UsageSink,
        limiter: Limiter,
        access_log: AccessLog | None,
        observer: CallObserver | None = None,
        tracer: CallTracer | None = None,
        router: Router | None = None,
    ) -> None:
        self._config = config
        self._registry = registry
        self._forwarder = forwarder
        self._sink = sink
        self._limiter = limiter
        self._skips_unlimited = skips_unlimited_calls(limiter)
        self._access_log = access_log
        self._observer = observer
        self._tracer = tracer
        self._router = router
        self.budgets = BudgetGate(config)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        record = CallRecord(new_request_id(), time.perf_counter(), scope["method"], scope["path"])
        id_headers = response_ids(record, scope["headers"])
        if self._tracer is not None:
            self._tracer.start(record, scope)
        try:
            await self._serve(scope, receive, send, record, id_headers)
        except GatewayError as error:
            record.status, record.error_code = error.status, error.code
            if not record.response_started:
                headers = [
                    JSON_CONTENT_TYPE,
                    *id_headers,
                    *record.response_headers,
                    *error.headers,
                ]
                await send_whole(send, error.status, headers, error_body(error, record.ingress))
        except ClientDisconnected:
            record.status, record.error_code = 499, "client_disconnected"
        except Exception:
            log.exception(
                "unhandled error",
                extra={"event": "unhandled_error", "request_id": record.request_id},
            )
            record.status, record.error_code = 500, INTERNAL_ERROR.code
            if not record.response_started:
                body = error_body(GatewayError(INTERNAL_ERROR), record.ingress)
                await send_whole(send, 500, [JSON_CONTENT_TYPE, *id_headers], body)
        finally:
            if record.budget_hold is not None:
                await settle_budgets(record)
            self._finish(record)

    async def _serve(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        record: CallRecord,
        id_headers: list[tuple[bytes, bytes]],
    ) -> None:
        if not self._registry.ready:
            raise GatewayError(GATEWAY_NOT_READY)
        method = record.method
        live, operation = resolve(self._registry, self._config.default_tenant, method, record.path)
        snapshot = live.snapshot
        record.deployment, record.operation = snapshot, operation
        record.ingress = ingress_for(snapshot, operation)
        headers = header_map(scope)
        key = await authenticate(
            self._registry, self._config.key_pepper, headers, snapshot.tenant_slug
        )
        record.key = key
        grant = authorize(snapshot, key)
        endpoint, credential = live.endpoint_for(key.key_type)
        pool = live.pools.get(key.key_type) if live.pools else None
        limit = snapshot.request_size_limit or self._config.max_body_bytes
        body = await read_body(receive, headers.get("content-length"), limit)
        payload = object_or_none(body)
        policy_run = None
        if live.policies is not None:  # AI policies (proxy/policies/chain.py)
            policy_run = live.policies.on_request(record, operation, payload, body)
            payload, body = policy_run.payload, policy_run.body
        payload, body = apply_gateway_defaults(
            live.policy, record.ingress, operation, payload, body
        )
        model = payload.get("model") if payload else None
        record.model_requested = model if isinstance(model, str) else ""
        if snapshot.budgets or key.budgets:  # a call without budgets pays nothing here
            payload, body, budget_headers = await hold_budgets(
                self.budgets, record, key, grant, payload, body
            )
            id_headers.extend(budget_headers)
        stream = payload is not None and payload.get("stream") is True
        call = Call(
            vendor=snapshot.vendor,
            endpoint=endpoint,
            credential=credential,
            method=method,
            operation=operation,
            query=scope["query_string"].decode("latin-1"),
            headers=upstream_headers(headers),
            body=body,
            payload=payload,
            stream=stream,
            client_wants_usage=stream and _asks_for_usage(payload),
            ingress=record.ingress,
            extra={"request_id": record.request_id},
        )
        if live.knowledge is not None:
            send = await live.knowledge.ground(
                call, record, send, self._registry.knowledge, self._forwarder.session
            )
        assert live.driver is not None  # endpoint_for refuses a deployment without one
        driver = open_call_driver(live.driver, call)
        record.model_requested = requested_model(driver, record.model_requested)
        if policy_run is not None:
            driver = policy_run.wrap(driver)
        upstream_request = driver.build_request() if pool is None else None
        if self._tracer is not None and upstream_request is not None:
            self._tracer.inject(record, upstream_request.headers)
        reservation: Reservation = NOTHING_RESERVED
        if not self._skips_unlimited or sets_limits(snapshot, key, grant):
            identity = CallIdentity.from_snapshots(snapshot, key, grant)
            request = AdmissionRequest(
                identity, record.request_id, operation, record.model_requested, payload
            )
            reservation = await self._limiter.admit(request)
        record.quota_exceeded = reservation.quota_exceeded
        record.response_headers = reservation.headers
        try:
            if upstream_request is not None:
                await self._forwarder.relay(
                    driver,
                    upstream_request,
                    receive,
                    send,
                    record,
                    [*id_headers, *reservation.headers],
                )
            else:
                assert pool is not None and self._router is not None
                sticky = headers.get(pool.policy.sticky_header, "")
                extra = [*id_headers, *reservation.headers]
                await self._router.relay(pool, call, sticky, receive, send, record, extra)
        finally:
            await _settle(reservation, record)

    def _finish(self, record: CallRecord) -> None:
        event = usage_event(record, self._config.environment)
        self._sink.emit(event)
        if self._access_log is not None:
            self._access_log.write(record, event)
        if self._observer is not None:
            self._observer.observe(record, event)
        if self._tracer is not None:
            self._tracer.finish(record, event)


async def _settle(reservation: Reservation, record: CallRecord) -> None:
    try:
        await reservation.settle(record.usage, record.status)
    except Exception:
        log.exception(
            "settling the limits failed",
            extra={"event": "settle_failed", "request_id": record.request_id},
        )


def usage_event(record: CallRecord, environment: str) -> UsageEvent:
    deployment, key, usage = record.deployment, record.key, record.usage
    event = UsageEvent(
        request_id=record.request_id,
        ts=utc_now_iso(),
        status=record.status,
        total_latency_ms=round((time.perf_counter() - record.started) * 1000, 3),
        tenant_id=deployment.tenant_id if deployment else (key.tenant_id if key else None),
        api_id=deployment.api_id if deployment else None,
        revision_id=deployment.revision_id if deployment else None,
        application_id=key.application_id if key else None,
        key_id=key.key_id if key else None,
        key_type=key.key_type if key else "",
        environment=environment,
        vendor=deployment.vendor.slug if deployment else "",
        model_requested=record.model_requested,
        model_answered=usage.model,
        operation=record.operation,
        error_code=record.error_code,
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        total_tokens=usage.total_tokens,
        cached_tokens=usage.cached_tokens,
        cache_write_tokens=usage.cache_write_tokens,
        reasoning_tokens=usage.reasoning_tokens,
        upstream_latency_ms=None if record.upstream_ms is None else round(record.upstream_ms, 3),
        streamed=record.streamed,
        quota_exceeded=record.quota_exceeded,
        stream_cut=record.stream_cut,
        client_request_id=record.client_request_id,
        target=record.target,
        attempts=record.attempts or 1,
        failovers=record.failovers,
        knowledge=record.knowledge,
        policy_actions=policy_actions_json(record.policy_actions) if record.policy_actions else "",
        downgraded_from=record.downgraded_from,
    )
    if deployment is not None:
        meter_cost(event, usage, deployment)
    return event


def _asks_for_usage(payload: dict[str, Any] | None) -> bool:
    options = payload.get("stream_options") if payload else None
    return isinstance(options, dict) and options.get("include_usage") is True
