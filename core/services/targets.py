"""Changing an API side's target pool and its routing settings (docs/routing.md).

The side's endpoint is its first target (`primary`); these services add, change and remove the
others and set the primary's weight and priority. Like endpoints, changes go live with the
next deployed revision; provider keys are write-only and stored encrypted.
"""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction

from core.errors import InvalidInput, NotFound
from core.models import AiApi, ApiType, Endpoint, EndpointKind, Target, VendorVersion
from core.models.routing import PRIMARY
from core.secrets import encrypt_credential
from core.services.apis import UNCHANGED
from core.services.audit import record
from core.services.validation import clean_endpoint_url
from proxy.public import RoutingPolicy

NAME = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")
MAX_TARGETS = 16  # per side, the primary included


def clean_routing(routing: dict[str, Any] | None) -> dict[str, Any]:
    """The settings as stored: only what differs from the defaults."""
    if routing is not None and not isinstance(routing, dict):
        raise InvalidInput("Routing settings are an object.", fields={"routing": ["An object."]})
    try:
        policy = RoutingPolicy.from_dict(routing)
    except (TypeError, ValueError) as exc:
        raise InvalidInput("Invalid routing settings.", fields={"routing": [str(exc)]}) from None
    defaults = RoutingPolicy().to_dict()
    return {k: v for k, v in policy.to_dict().items() if v != defaults[k]}


@transaction.atomic
def set_routing(*, api: AiApi, actor, routing: dict[str, Any] | None) -> AiApi:
    api.routing = clean_routing(routing)
    api.save(update_fields=["routing", "updated_at"])
    record(tenant=api.tenant, actor=actor, action="api.routing", obj=api, changes=api.routing)
    return api


def _clean_kind(kind: str) -> str:
    if kind not in EndpointKind.values:
        raise InvalidInput("Unknown endpoint kind.", fields={"kind": ["production or sandbox"]})
    return kind


def _clean_name(name: str) -> str:
    if not isinstance(name, str) or not NAME.match(name):
        raise InvalidInput(
            "Invalid target name.",
            fields={"name": ["Letters, digits, dashes and underscores, up to 50."]},
        )
    return name


def _clean_number(value: Any, field: str, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
        raise InvalidInput(f"Invalid {field}.", fields={field: [f"A whole number 0–{high}."]})
    return value


def _clean_vendor(api: AiApi, vendor_version: VendorVersion | None) -> VendorVersion | None:
    if vendor_version is None or vendor_version.pk == api.vendor_version_id:
        return None
    if vendor_version.vendor.tenant_id not in (None, api.tenant_id):
        raise NotFound("Vendor not found.", fields={"vendor": ["Not found."]})
    if api.api_type != ApiType.UNIFIED:
        raise InvalidInput(
            "Another vendor needs an OpenAI-compatible API.",
            fields={"vendor": ["Only an OpenAI-compatible API translates for another vendor."]},
        )
    return vendor_version


def side_endpoint(api: AiApi, kind: str) -> Endpoint:
    endpoint = Endpoint.objects.filter(api=api, kind=kind).first()
    if endpoint is None:
        raise InvalidInput(
            f"Add the {kind} endpoint first: it is the pool's first target.",
            fields={"kind": [f"This API has no {kind} endpoint."]},
        )
    return endpoint


@transaction.atomic
def set_primary(*, api: AiApi, kind: str, actor, weight: int = 1, priority: int = 0) -> Endpoint:
    endpoint = side_endpoint(api, _clean_kind(kind))
    endpoint.weight = _clean_number(weight, "weight", 1000) or 1
    endpoint.priority = _clean_number(priority, "priority", 100)
    endpoint.save(update_fields=["weight", "priority", "updated_at"])
    changes = {"kind": kind, "name": PRIMARY, "weight": endpoint.weight, "priority": priority}
    record(tenant=api.tenant, actor=actor, action="target.update", obj=api, changes=changes)
    return endpoint


@transaction.atomic
def save_target(
    *,
    api: AiApi,
    kind: str,
    name: str,
    actor,
    url: str = UNCHANGED,
    credential: str | None = UNCHANGED,
    settings: dict | None = UNCHANGED,
    vendor_version: VendorVersion | None = UNCHANGED,
    model: str = UNCHANGED,
    weight: int = UNCHANGED,
    priority: int = UNCHANGED,
) -> Target:
    """Add the target `name` to a side's pool, or change it. `credential=None` clears the key."""
    side_endpoint(api, _clean_kind(kind))
    if _clean_name(name) == PRIMARY:
        raise InvalidInput(
            "The primary target is the side's endpoint.",
            fields={"name": ["Change the endpoint instead; “primary” is its name."]},
        )
    target = Target.objects.filter(api=api, kind=kind, name=name).first()
    if target is None:
        if Target.objects.filter(api=api, kind=kind).count() + 1 >= MAX_TARGETS:
            raise InvalidInput(f"A pool holds at most {MAX_TARGETS} targets.")
        target = Target(api=api, kind=kind, name=name)
    changed: dict[str, Any] = {"kind": kind, "name": name}
    if url is not UNCHANGED:
        target.url = changed["url"] = clean_endpoint_url(url)
    elif not target.url:
        raise InvalidInput("The target needs a URL.", fields={"url": ["Required."]})
    if credential is not UNCHANGED:
        target.credential_encrypted = encrypt_credential(credential or "")
        changed["credential_state"] = "replaced" if credential else "cleared"
    if settings is not UNCHANGED:
        target.settings = changed["settings"] = dict(settings or {})
    if vendor_version is not UNCHANGED:
        target.vendor_version = _clean_vendor(api, vendor_version)
        changed["vendor"] = target.vendor_version.vendor.slug if target.vendor_version else ""
    if model is not UNCHANGED:
        target.model = changed["model"] = (model or "").strip()[:200]
    if weight is not UNCHANGED:
        target.weight = changed["weight"] = _clean_number(weight, "weight", 1000) or 1
    if priority is not UNCHANGED:
        target.priority = changed["priority"] = _clean_number(priority, "priority", 100)
    target.save()
    record(tenant=api.tenant, actor=actor, action="target.update", obj=api, changes=changed)
    return target


@transaction.atomic
def delete_target(*, api: AiApi, kind: str, name: str, actor) -> None:
    deleted, _ = Target.objects.filter(api=api, kind=kind, name=name).delete()
    if not deleted:
        raise NotFound("Target not found.")
    changes = {"kind": kind, "name": name}
    record(tenant=api.tenant, actor=actor, action="target.delete", obj=api, changes=changes)
