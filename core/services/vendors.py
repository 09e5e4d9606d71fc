"""Custom AI vendors (WSO2's custom AI service provider), defined by tenant admins.

A custom vendor is any HTTP API the proxy passes through with the `custom` driver: a base URL,
how the provider key travels (a header with an optional prefix, a query parameter, or
nothing), an OpenAPI 3 definition of its operations, and where token counts and model names
are found (`usage_paths`). Built-in vendors are shared by every tenant and read-only here.

Deployed revisions keep a frozen copy of the vendor (core.registry.compiler.freeze_config):
an edit reaches the gateway with the API's next revision and deployment.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from core.errors import Conflict, Forbidden, InvalidInput, NotFound
from core.models import AiApi, Tenant, Vendor, VendorVersion
from core.services.api_definitions import count_operations, parse_api_definition
from core.services.audit import record
from core.services.vendor_fields import (
    VERSION_FIELDS,
    Problems,
    clean_auth,
    clean_base_url,
    clean_usage_paths,
    clean_version_name,
)

CUSTOM_DRIVER = "custom"
UPDATABLE = frozenset({"name", "description", *VERSION_FIELDS} - {"version"})


@transaction.atomic
def create_custom_vendor(
    *,
    tenant: Tenant,
    actor,
    name: str,
    version: str,
    base_url: str,
    api_definition: Mapping | str | bytes,
    slug: str = "",
    description: str = "",
    auth_scheme: str = "header",
    auth_name: str = "",
    auth_prefix: str = "",
    usage_paths: Mapping[str, Any] | None = None,
) -> Vendor:
    """A new custom vendor with its first version; every bad field is reported at once."""
    problems = Problems()
    checked_name = problems.check("name", _clean_name, name)
    checked_slug = problems.check("slug", _clean_slug, slug or slugify(checked_name or ""))
    values = _clean_version_values(
        problems,
        version=version,
        base_url=base_url,
        api_definition=api_definition,
        auth=(auth_scheme, auth_name, auth_prefix),
        usage_paths=usage_paths or {},
    )
    problems.raise_if_any()
    assert checked_name is not None and checked_slug is not None  # raise_if_any passed
    name, slug = checked_name, checked_slug
    _ensure_free_slug(tenant, slug)
    vendor = Vendor.objects.create(tenant=tenant, slug=slug, name=name, description=description)
    created = VendorVersion.objects.create(vendor=vendor, driver=CUSTOM_DRIVER, **values)
    record(
        tenant=tenant,
        actor=actor,
        action="vendor.create",
        obj=vendor,
        changes=_summary(created, name=name, slug=slug),
    )
    return vendor


@transaction.atomic
def update_custom_vendor(
    *, vendor: Vendor, actor, version: str | None = None, **changes: Any
) -> Vendor:
    """Edit the vendor and one version (`version`, default the newest). A `version` the vendor
    does not have yet is added, starting from the newest version's settings."""
    ensure_custom(vendor)
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise InvalidInput(f"Cannot change {', '.join(sorted(unknown))}.")
    current = _version(vendor, version)
    problems = Problems()
    vendor_changes = _vendor_changes(problems, changes)
    base = current or vendor.versions.order_by("-created_at", "-pk").first()
    if base is None:  # a custom vendor is created with its first version
        raise NotFound("This vendor has no version.")
    values = _clean_version_values(
        problems,
        version=version or base.version,
        base_url=changes.get("base_url", base.base_url),
        api_definition=changes.get("api_definition", base.api_definition),
        auth=_auth_after(base, changes),
        usage_paths=changes.get("usage_paths", base.usage_paths),
    )
    problems.raise_if_any()
    if vendor_changes:
        for field, value in vendor_changes.items():
            setattr(vendor, field, value)
        vendor.save(update_fields=list(vendor_changes))
    saved, action = _save_version(vendor, current, values)
    changed = sorted(set(changes))
    record(
        tenant=vendor.tenant,
        actor=actor,
        action=action,
        obj=vendor,
        changes={"version": saved.version, "fields": changed},
    )
    return vendor


def _save_version(
    vendor: Vendor, current: VendorVersion | None, values: dict
) -> tuple[VendorVersion, str]:
    if current is None:
        created = VendorVersion.objects.create(vendor=vendor, driver=CUSTOM_DRIVER, **values)
        return created, "vendor.version.create"
    for field, value in values.items():
        setattr(current, field, value)
    current.save(update_fields=list(values))
    return current, "vendor.update"


@transaction.atomic
def delete_custom_vendor(*, vendor: Vendor, actor) -> None:
    """Delete a custom vendor and its versions; refused while an API is built on it."""
    ensure_custom(vendor)
    users = list(
        AiApi.objects.filter(vendor_version__vendor=vendor)
        .order_by("name", "version")
        .values_list("name", "version")
    )
    if users:
        listed = ", ".join(f"{name} {version}" for name, version in users[:5])
        more = f" and {len(users) - 5} more" if len(users) > 5 else ""
        raise Conflict(
            "The vendor is in use.",
            fields={"vendor": [f"Used by {listed}{more}: delete those APIs first."]},
        )
    record(
        tenant=vendor.tenant,
        actor=actor,
        action="vendor.delete",
        obj=vendor,
        changes={
            "slug": vendor.slug,
            "versions": sorted(vendor.versions.values_list("version", flat=True)),
        },
    )
    vendor.delete()


def ensure_custom(vendor: Vendor) -> None:
    if vendor.is_builtin:
        raise Forbidden("Built-in vendors are read-only; define a custom vendor instead.")


def _version(vendor: Vendor, version: str | None) -> VendorVersion | None:
    versions = vendor.versions.order_by("-created_at", "-pk")
    return versions.filter(version=version).first() if version else versions.first()


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInput("Invalid name.", fields={"name": ["Give the vendor a name."]})
    return name


def _clean_slug(slug: str) -> str:
    if not slug or slug != slugify(slug):
        raise InvalidInput(
            "Invalid slug.", fields={"slug": ["Use lower-case letters, digits and '-'."]}
        )
    if Vendor.objects.filter(tenant__isnull=True, slug=slug).exists():
        raise Conflict(
            "Taken by a built-in vendor.",
            fields={"slug": [f"{slug!r} is a built-in vendor; choose another slug."]},
        )
    return slug


def _ensure_free_slug(tenant: Tenant, slug: str) -> None:
    if tenant.vendors.filter(slug=slug).exists():
        raise Conflict("Duplicate vendor.", fields={"slug": [f"{slug!r} is taken."]})


def _vendor_changes(problems: Problems, changes: dict) -> dict:
    found = {}
    if "name" in changes:
        found["name"] = problems.check("name", _clean_name, changes["name"])
    if "description" in changes:
        found["description"] = changes["description"] or ""
    return found


def _auth_after(base: VendorVersion, changes: dict) -> tuple[str, str, str]:
    """The auth a change leaves: switching scheme drops the old name and prefix unless the
    change gives new ones."""
    scheme = changes.get("auth_scheme", base.auth_scheme)
    keep = scheme == base.auth_scheme
    name = changes.get("auth_name", base.auth_name if keep else "")
    prefix = changes.get("auth_prefix", base.auth_prefix if keep else "")
    return scheme, name, prefix


def _clean_version_values(
    problems: Problems,
    *,
    version: str,
    base_url: str,
    api_definition: Mapping | str | bytes,
    auth: tuple[str, str, str],
    usage_paths: Any,
) -> dict:
    scheme, name, prefix = problems.check_many(clean_auth, *auth) or ("", "", "")
    values = {
        "version": problems.check("version", clean_version_name, version),
        "base_url": problems.check("base_url", clean_base_url, base_url),
        "api_definition": problems.check("api_definition", parse_api_definition, api_definition),
        "auth_scheme": scheme,
        "auth_name": name,
        "auth_prefix": prefix,
        "usage_paths": problems.check_many(clean_usage_paths, usage_paths),
    }
    assert set(values) == set(VERSION_FIELDS)
    return values


def _summary(version: VendorVersion, **extra: str) -> dict:
    return {
        **extra,
        "version": version.version,
        "base_url": version.base_url,
        "auth_scheme": version.auth_scheme,
        "auth_name": version.auth_name,
        "operations": count_operations(version.api_definition),
    }
