"""Every vendor the gateway knows, in one list: adding a vendor is a package and a line here.

A vendor is a package under `proxy/providers/<vendor>/` holding its driver (`driver.py`, which
names the class `DRIVER`) and, for a built-in vendor, its catalog entries (`catalog.py`, which
names them `CATALOG`: what `migrate` writes into the catalog, OpenAPI definition and usage paths
included). Nothing is imported until it is used: the proxy imports a driver when a deployment
names it, the control plane imports the catalogs when it syncs them.

`native_shape` says which request shape the vendor's own (native) APIs take, so gateway
defaults apply to them: "openai" (chat completions, completions, embeddings), "anthropic"
(Messages) or "" (neither).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from proxy.providers.base import Call, Driver
from proxy.providers.capabilities import resolve_capabilities

DriverFactory = Callable[[Call], Driver]


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """A built-in vendor as the catalog shows it (one `Vendor` and its `VendorVersion`)."""

    slug: str
    name: str
    description: str
    version: str
    base_url: str
    auth_name: str  # the header the provider key travels in
    auth_prefix: str
    chat_model: str  # the model the examples name
    api_definition: dict[str, Any]  # OpenAPI: the vendor's own operations, routed on native APIs
    usage_paths: dict[str, str]  # where tokens and models are found (see common/usage_paths.py)
    settings: dict[str, Any] = field(default_factory=dict)
    driver: str = ""  # filled in from the registry line


@dataclass(frozen=True, slots=True)
class VendorEntry:
    driver: str  # the name deployments carry (`VendorVersion.driver`)
    package: str  # the vendor's package: `<package>.driver.DRIVER`, `<package>.catalog.CATALOG`
    native_shape: str = ""  # "openai" | "anthropic" | "": see the module docstring
    builtin: bool = True  # has catalog entries; False for drivers configured by tenants


VENDORS: list[VendorEntry] = [
    VendorEntry("openai", "proxy.providers.openai", native_shape="openai"),
    VendorEntry("azure-openai", "proxy.providers.azure", native_shape="openai"),
    VendorEntry("mistral", "proxy.providers.mistral", native_shape="openai"),
    VendorEntry("anthropic", "proxy.providers.anthropic", native_shape="anthropic"),
    VendorEntry("gemini", "proxy.providers.gemini"),
    VendorEntry("cohere", "proxy.providers.cohere"),
    VendorEntry("custom", "proxy.providers.custom", builtin=False),
]
_by_driver: dict[str, VendorEntry] = {entry.driver: entry for entry in VENDORS}
_loaded: dict[str, DriverFactory] = {}


def register(entry: VendorEntry) -> None:
    """Add (or replace) a vendor at run time, before the proxy serves calls (a test's vendor)."""
    old = _by_driver.get(entry.driver)
    if old is not None:
        VENDORS.remove(old)
    VENDORS.append(entry)
    _by_driver[entry.driver] = entry
    _loaded.pop(entry.driver, None)


def unregister(driver: str) -> None:
    """Remove a vendor `register` added."""
    VENDORS.remove(_by_driver.pop(driver))
    _loaded.pop(driver, None)


def driver_class(driver: str) -> DriverFactory:
    """The driver class of `driver`, imported on first use, its optional capabilities resolved
    then (not per call); KeyError when no vendor has that driver."""
    factory = _loaded.get(driver)
    if factory is None:
        module = importlib.import_module(f"{_by_driver[driver].package}.driver")
        factory = module.DRIVER
        resolve_capabilities(factory)
        _loaded[driver] = factory
    return factory


def native_shape(driver: str) -> str:
    entry = _by_driver.get(driver)
    return entry.native_shape if entry is not None else ""


def builtin_catalog() -> list[CatalogEntry]:
    """Every built-in vendor's catalog entries, in registry order, each naming its driver."""
    entries: list[CatalogEntry] = []
    for entry in VENDORS:
        if entry.builtin:
            module = importlib.import_module(f"{entry.package}.catalog")
            entries.extend(replace(item, driver=entry.driver) for item in module.CATALOG)
    return entries
