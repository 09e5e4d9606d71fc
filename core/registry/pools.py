"""Compile an API's target pools and routing settings into its revision and snapshot."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from core.models import AiApi, Endpoint, Target, VendorVersion
from core.models.routing import PRIMARY
from proxy.public import contract


def vendor_of(vv: VendorVersion) -> dict[str, Any]:
    auth = contract.Auth(scheme=vv.auth_scheme, name=vv.auth_name, prefix=vv.auth_prefix)
    vendor = contract.Vendor(
        slug=vv.vendor.slug,
        name=vv.vendor.name,
        version=vv.version,
        driver=vv.driver,
        auth=auth,
        usage_paths=dict(vv.usage_paths),
        settings=dict(vv.settings),
    )
    return asdict(vendor)


def _primary(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "name": PRIMARY,
        "endpoint": _endpoint(endpoint.url, endpoint.credential_encrypted, endpoint.settings),
        "vendor": None,
        "model": "",
        "weight": endpoint.weight,
        "priority": endpoint.priority,
    }


def _target(target: Target) -> dict[str, Any]:
    vv = target.vendor_version
    return {
        "name": target.name,
        "endpoint": _endpoint(target.url, target.credential_encrypted, target.settings),
        "vendor": vendor_of(vv) if vv is not None else None,
        "model": target.model,
        "weight": target.weight,
        "priority": target.priority,
    }


def _endpoint(url: str, credential: str, settings: dict) -> dict[str, Any]:
    return {"url": url, "credential": credential, "settings": dict(settings)}


def freeze_pools(api: AiApi) -> dict[str, list[dict[str, Any]]]:
    """{kind: [primary, *targets]} for each side that has targets besides its endpoint."""
    endpoints = {ep.kind: ep for ep in api.endpoints.all()}
    extra: dict[str, list[Target]] = {}
    for target in api.targets.select_related("vendor_version__vendor"):
        extra.setdefault(target.kind, []).append(target)
    return {
        kind: [_primary(endpoints[kind]), *(_target(t) for t in targets)]
        for kind, targets in extra.items()
        if kind in endpoints
    }


def compiled_pools(config: dict[str, Any]) -> dict[str, Any]:
    """The snapshot fields of a frozen revision (one frozen before pools: none)."""
    pools = config.get("pools") or {}
    return {
        "production_pool": tuple(contract.Target.from_dict(t) for t in pools.get("production", ())),
        "sandbox_pool": tuple(contract.Target.from_dict(t) for t in pools.get("sandbox", ())),
        "routing": dict(config.get("routing") or {}),
    }
