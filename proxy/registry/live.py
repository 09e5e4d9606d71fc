"""A deployment snapshot compiled once for serving: operations, driver, usable endpoints."""

from __future__ import annotations

import logging
import re
from typing import cast

from proxy.balancing.pool import prepare_pools
from proxy.config import ProxyConfig
from proxy.contract import DeploymentSnapshot, Endpoint
from proxy.crypto import InvalidToken, KeyRing
from proxy.errors import (
    NO_ENDPOINT_FOR_KEY_TYPE,
    UPSTREAM_ADDRESS_REFUSED,
    UPSTREAM_MISCONFIGURED,
    GatewayError,
)
from proxy.knowledge.plan import compile_knowledge
from proxy.netguard import UnsafeUpstream, check_url
from proxy.policies.apply_defaults import compile_policy
from proxy.policies.chain import compile_policies
from proxy.providers.capabilities import OPERATION_ALIASES, AliasesOperations
from proxy.providers.registry import DriverFactory, driver_class

log = logging.getLogger("proxy.registry")
_TEMPLATE_PART = re.compile(r"\{[^/{}]+\}")


def _normalise(path: str) -> str:
    return path.rstrip("/") or "/"


class LiveDeployment:
    """Everything per deployment that would otherwise be recomputed per call."""

    __slots__ = (
        "snapshot",
        "driver",
        "policy",
        "pools",
        "knowledge",
        "policies",
        "_exact",
        "_templates",
        "_endpoints",
    )

    def __init__(self, snapshot: DeploymentSnapshot, keyring: KeyRing, config: ProxyConfig):
        self.snapshot = snapshot
        self.driver = _load_driver(snapshot.vendor.driver)
        operations = _served_operations(snapshot, self.driver)
        self._exact = {
            (method.upper(), _normalise(path)) for method, path in operations if "{" not in path
        }
        self._templates = [
            (method.upper(), re.compile(_TEMPLATE_PART.sub("[^/]+", _normalise(path)) + "$"))
            for method, path in operations
            if "{" in path
        ]
        self.policy = compile_policy(snapshot)  # gateway defaults; None when there are none
        self.pools = prepare_pools(snapshot, keyring, config)  # {} unless a side has a pool
        self.knowledge = compile_knowledge(snapshot, self.driver)  # None: no collection
        self.policies = compile_policies(snapshot)  # AI policies; None when there are none
        self._endpoints = {
            kind: _prepare_endpoint(endpoint, keyring, config)
            for kind, endpoint in (
                ("production", snapshot.production),
                ("sandbox", snapshot.sandbox),
            )
            if endpoint is not None
        }

    def supports(self, method: str, path: str) -> bool:
        path = _normalise(path)
        if (method, path) in self._exact:
            return True
        return any(m == method and pattern.match(path) for m, pattern in self._templates)

    def endpoint_for(self, key_type: str) -> tuple[Endpoint, str]:
        """The endpoint a key type calls and its decrypted credential, or a GatewayError."""
        prepared = self._endpoints.get(key_type)
        if prepared is None:
            raise GatewayError(
                NO_ENDPOINT_FOR_KEY_TYPE, f"This API has no endpoint for {key_type} keys."
            )
        if isinstance(prepared, GatewayError):
            # A stored error is raised on every call; drop the last call's traceback so it
            # does not grow with each raise.
            raise prepared.with_traceback(None)
        if self.driver is None:
            raise GatewayError(UPSTREAM_MISCONFIGURED, "This API's vendor driver is not available.")
        return prepared


def _served_operations(
    snapshot: DeploymentSnapshot, driver: DriverFactory | None
) -> list[tuple[str, str]]:
    """The defined operations, plus the paths the vendor also answers them at."""
    operations = [(op.method, op.path) for op in snapshot.operations]
    if driver is None or not OPERATION_ALIASES[cast(type, driver)]:
        return operations
    aliases = cast(type[AliasesOperations], driver)
    twins = [(m, alias) for m, path in operations for alias in aliases.operation_aliases(m, path)]
    return operations + twins


def _load_driver(name: str) -> DriverFactory | None:
    try:
        return driver_class(name)
    except (KeyError, ImportError, AttributeError):
        log.warning(
            "deployment names an unknown driver", extra={"event": "unknown_driver", "driver": name}
        )
        return None


def _prepare_endpoint(
    endpoint: Endpoint, keyring: KeyRing, config: ProxyConfig
) -> tuple[Endpoint, str] | GatewayError:
    """Check the URL's literal host once and decrypt the credential once, in memory."""
    try:
        check_url(
            endpoint.url,
            allow_private=config.allow_private_upstreams,
            allow_http=config.allow_http_upstreams,
            resolve=False,
        )
    except UnsafeUpstream as exc:
        return GatewayError(UPSTREAM_ADDRESS_REFUSED, f"The provider's address is refused: {exc}.")
    try:
        credential = keyring.decrypt(endpoint.credential) if endpoint.credential else ""
    except (InvalidToken, ValueError):
        return GatewayError(UPSTREAM_MISCONFIGURED, "The provider credential cannot be decrypted.")
    return endpoint, credential
