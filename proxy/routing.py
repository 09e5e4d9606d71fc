"""Find the deployment a path addresses: `/t/{tenant}/{route}/{operation}` or, for the default
tenant, `/{route}/{operation}`. The longest deployed route wins."""

from __future__ import annotations

from proxy.console import CONSOLE_STATES
from proxy.errors import OPERATION_NOT_SUPPORTED, ROUTE_NOT_FOUND, GatewayError
from proxy.lifecycle import ROUTED_STATES
from proxy.registry import LiveDeployment, Registry


def resolve(
    registry: Registry, default_tenant: str, method: str, path: str
) -> tuple[LiveDeployment, str]:
    """The deployment and the vendor operation path (e.g. `/chat/completions`)."""
    if path.startswith("/t/"):
        tenant, _, rest = path[3:].partition("/")
    else:
        tenant, rest = default_tenant, path[1:]
    segments = rest.split("/")
    for depth in range(min(registry.max_route_depth, len(segments) - 1), 0, -1):
        live = registry.find_route(tenant, "/".join(segments[:depth]))
        if live is None:
            continue
        state = live.snapshot.lifecycle_state
        if state not in ROUTED_STATES and state not in CONSOLE_STATES:
            break
        operation = "/" + "/".join(segments[depth:])
        if not live.supports(method, operation):
            raise GatewayError(
                OPERATION_NOT_SUPPORTED, f"This API does not offer {method} {operation}."
            )
        return live, operation
    raise GatewayError(ROUTE_NOT_FOUND)
