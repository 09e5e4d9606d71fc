"""Pool deployments on the mock provider's named targets, and their faults."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

import httpx

from proxy.contract import DeploymentSnapshot, Endpoint, Target
from tests.proxy.gateways import unified_deployment
from tests.proxy.support import (
    KEYRING,
    MOCK_PATHS,
    VENDORS,
    free_port,
    make_deployment,
    provider_key,
)


@dataclass(frozen=True)
class Spec:
    """A target to build: `vendor` on the mock, or `refused` (a port nobody listens on)."""

    label: str
    vendor: str = "openai"
    weight: int = 1
    priority: int = 0
    model: str = ""
    refused: bool = False


def unique(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:8]}"


def target_url(mock_url: str, name: str, spec: Spec) -> str:
    if spec.refused:
        return f"http://127.0.0.1:{free_port()}{MOCK_PATHS[spec.vendor]}"
    return f"{mock_url}/_t/{name}{MOCK_PATHS[spec.vendor]}"


def pool_deployment(
    mock_url: str,
    specs: list[Spec],
    *,
    unified: bool = False,
    routing: dict[str, Any] | None = None,
) -> tuple[DeploymentSnapshot, dict[str, str]]:
    """A deployment whose production side is a pool of `specs`; also each label's target name
    (unique, so the session's mock keeps tests apart)."""
    names = {spec.label: unique(spec.label) for spec in specs}
    base = unified_deployment(mock_url, "openai") if unified else make_deployment(mock_url)
    pool = tuple(
        Target(
            name=names[spec.label],
            endpoint=Endpoint(
                target_url(mock_url, names[spec.label], spec),
                KEYRING.encrypt(provider_key(spec.label)),
            ),
            vendor=VENDORS[spec.vendor] if spec.vendor != "openai" else None,
            model=spec.model,
            weight=spec.weight,
            priority=spec.priority,
        )
        for spec in specs
    )
    deployment = replace(
        base,
        production=pool[0].endpoint,
        production_pool=pool,
        routing=routing or {},
    )
    return deployment, names


def set_fault(mock_url: str, name: str, **fault: Any) -> None:
    httpx.put(f"{mock_url}/_mock/targets/{name}", json=fault, timeout=5).raise_for_status()


def clear_fault(mock_url: str, name: str) -> None:
    httpx.delete(f"{mock_url}/_mock/targets/{name}", timeout=5).raise_for_status()


def hits(requests: list[dict], name: str) -> int:
    return sum(1 for r in requests if r.get("target") == name)
