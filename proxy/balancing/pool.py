"""A side's pool compiled once per deployment: usable targets, their drivers and groups."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import orjson

from proxy.balancing.policy import RoutingPolicy
from proxy.config import ProxyConfig
from proxy.contract import DeploymentSnapshot, Endpoint, Target, Vendor, target_key
from proxy.crypto import InvalidToken, KeyRing
from proxy.errors import UPSTREAM_ADDRESS_REFUSED, UPSTREAM_MISCONFIGURED, GatewayError
from proxy.ingress import open_call_driver
from proxy.netguard import UnsafeUpstream, check_url
from proxy.providers.base import Call, Driver
from proxy.providers.registry import DriverFactory, driver_class

log = logging.getLogger("proxy.balancing")


@dataclass(slots=True, eq=False)
class LiveTarget:
    name: str
    key: str  # names the target's circuit and statistics, stable across revisions
    endpoint: Endpoint
    credential: str  # decrypted, in memory only
    vendor: Vendor
    driver: DriverFactory | None
    model: str
    weight: int
    priority: int
    unusable: GatewayError | None = None  # a refused URL or undecryptable credential
    current: int = 0  # smooth weighted round robin's running weight

    def open_driver(self, call: Call) -> Driver:
        """A driver for this target: the call's vendor, endpoint and key replaced by its own, and
        the model by its override (the body re-encoded only then)."""
        if self.unusable is not None:
            raise self.unusable.with_traceback(None)
        if self.driver is None:
            raise GatewayError(UPSTREAM_MISCONFIGURED, "A target's vendor driver is not available.")
        payload, body = call.payload, call.body
        if self.model and payload is not None and "model" in payload:
            payload = {**payload, "model": self.model}
            body = orjson.dumps(payload)
        target_call = replace(
            call,
            vendor=self.vendor,
            endpoint=self.endpoint,
            credential=self.credential,
            payload=payload,
            body=body,
        )
        return open_call_driver(self.driver, target_call)


@dataclass(slots=True, eq=False)
class LivePool:
    policy: RoutingPolicy
    groups: tuple[tuple[LiveTarget, ...], ...]  # by priority, lowest first
    targets: tuple[LiveTarget, ...] = field(default=())


def prepare_pools(
    snapshot: DeploymentSnapshot, keyring: KeyRing, config: ProxyConfig
) -> dict[str, LivePool]:
    """The pools of a deployment's sides that have more than one target; {} for most APIs."""
    sides = (("production", snapshot.production_pool), ("sandbox", snapshot.sandbox_pool))
    if not (snapshot.production_pool or snapshot.sandbox_pool):
        return {}
    try:
        policy = RoutingPolicy.from_dict(snapshot.routing)
    except (TypeError, ValueError) as exc:
        log.warning(
            "deployment has unusable routing settings",
            extra={"event": "routing_settings_refused", "reason": str(exc)},
        )
        policy = RoutingPolicy()
    pools = {}
    for kind, targets in sides:
        if targets:
            live = tuple(
                _prepare(
                    t,
                    target_key(snapshot.tenant_id, snapshot.api_id, kind, t.name),
                    snapshot,
                    keyring,
                    config,
                )
                for t in targets
            )
            pools[kind] = LivePool(policy, _groups(live), live)
    return pools


def _groups(targets: tuple[LiveTarget, ...]) -> tuple[tuple[LiveTarget, ...], ...]:
    priorities = sorted({t.priority for t in targets})
    return tuple(tuple(t for t in targets if t.priority == p) for p in priorities)


def _prepare(
    target: Target, key: str, snapshot: DeploymentSnapshot, keyring: KeyRing, config: ProxyConfig
) -> LiveTarget:
    vendor = target.vendor or snapshot.vendor
    live = LiveTarget(
        name=target.name,
        key=key,
        endpoint=target.endpoint,
        credential="",
        vendor=vendor,
        driver=_driver(vendor.driver),
        model=target.model,
        weight=max(1, target.weight),
        priority=target.priority,
    )
    try:
        check_url(
            target.endpoint.url,
            allow_private=config.allow_private_upstreams,
            allow_http=config.allow_http_upstreams,
            resolve=False,
        )
    except UnsafeUpstream as exc:
        live.unusable = GatewayError(
            UPSTREAM_ADDRESS_REFUSED, f"The provider's address is refused: {exc}."
        )
        return live
    credential = target.endpoint.credential
    try:
        live.credential = keyring.decrypt(credential) if credential else ""
    except (InvalidToken, ValueError):
        live.unusable = GatewayError(
            UPSTREAM_MISCONFIGURED, "The provider credential cannot be decrypted."
        )
    return live


def _driver(name: str) -> DriverFactory | None:
    try:
        return driver_class(name)
    except (KeyError, ImportError, AttributeError):
        log.warning("target names an unknown driver", extra={"event": "unknown_driver"})
        return None
