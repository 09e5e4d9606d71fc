"""An API's policies compiled once per deployment snapshot, and their run on one call.

The gateway holds `LiveDeployment.policies`: None when the API has no policies (the hot path
then checks that one attribute and nothing else), else a `PolicyChain` that runs the request
flow in the publisher's order and, when the answer needs it, wraps the vendor's driver for the
response flow (proxy/policies/response.py).
"""

from __future__ import annotations

import logging
from typing import Any

import orjson

from proxy.contract import DeploymentSnapshot
from proxy.errors import UPSTREAM_MISCONFIGURED, GatewayError
from proxy.policies.base import REQUEST, PolicyCall, PolicySpec, RequestPolicy, ResponseGuard
from proxy.policies.kinds import module_of
from proxy.policies.response import wrap
from proxy.policies.spec import parse_policies
from proxy.providers.base import Driver
from proxy.providers.capabilities import RESPONSE_HEADERS
from proxy.record import CallRecord

log = logging.getLogger("proxy.policies")
ALL_OPERATIONS = ""


class PolicyRun:
    """What the request flow did to one call, and how its answer must be handled."""

    __slots__ = ("payload", "body", "_guards", "_restore", "_record")

    def __init__(
        self,
        payload: dict[str, Any] | None,
        body: bytes,
        guards: tuple[ResponseGuard, ...],
        restore: dict[str, str],
        record: CallRecord,
    ) -> None:
        self.payload = payload
        self.body = body
        self._guards = guards
        self._restore = restore
        self._record = record

    def wrap(self, driver: Driver) -> Driver:
        if not self._guards and not self._restore:
            return driver
        reads_headers = RESPONSE_HEADERS[type(driver)]
        wrapped: Driver = wrap(driver, self._guards, self._restore, self._record, reads_headers)
        return wrapped


class PolicyChain:
    __slots__ = ("_request", "_response", "_problem")

    def __init__(
        self,
        request: dict[str, tuple[RequestPolicy, ...]],
        response: dict[str, tuple[ResponseGuard, ...]],
        problem: GatewayError | None = None,
    ) -> None:
        self._request = request
        self._response = response
        self._problem = problem

    def on_request(
        self, record: CallRecord, operation: str, payload: dict[str, Any] | None, body: bytes
    ) -> PolicyRun:
        if self._problem is not None:
            raise self._problem.with_traceback(None)
        operation = operation.rstrip("/")
        requests = self._request.get(operation, self._request.get(ALL_OPERATIONS, ()))
        guards = self._response.get(operation, self._response.get(ALL_OPERATIONS, ()))
        if payload is None:
            return PolicyRun(payload, body, guards, {}, record)
        call = PolicyCall(payload, record.ingress, operation)
        try:
            for policy in requests:
                policy.on_request(call)
        finally:
            if call.actions:
                record.policy_actions = (*record.policy_actions, *call.actions)
        if call.changed:
            body = orjson.dumps(call.payload)
        return PolicyRun(call.payload, body, guards, call.restore, record)


def compile_policies(snapshot: DeploymentSnapshot) -> PolicyChain | None:
    """None when the API has no policies."""
    if not snapshot.policies:
        return None
    specs, errors = parse_policies(list(snapshot.policies))
    if errors:
        log.warning("deployment has invalid policies", extra={"event": "invalid_policies"})
        problem = GatewayError(UPSTREAM_MISCONFIGURED, "This API's policies are invalid.")
        return PolicyChain({}, {}, problem)
    operations = {ALL_OPERATIONS, *(op.path.rstrip("/") for op in snapshot.operations)}
    built = [(spec, module_of(spec.kind).build(spec)) for spec in specs]
    request = {op: tuple(p for s, p in built if _applies(s, op, REQUEST)) for op in operations}
    response = {op: tuple(p for s, p in built if _applies(s, op, "response")) for op in operations}
    return PolicyChain(request, response)


def _applies(spec: PolicySpec, operation: str, flow: str) -> bool:
    return spec.flow == flow and spec.operation.rstrip("/") in (ALL_OPERATIONS, operation)
