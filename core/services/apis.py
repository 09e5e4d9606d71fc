"""Creating and changing AI APIs and their production and sandbox endpoints."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from core.errors import Conflict, InvalidInput
from core.knowledge.attach import check_attached
from core.models import AiApi, Endpoint, EndpointKind, Plan, Tenant, VendorVersion
from core.secrets import encrypt_credential
from core.services.audit import record
from core.services.gateway_settings import clean_gateway_settings
from core.services.validation import (
    clean_backend_limits,
    clean_context,
    clean_endpoint_url,
    clean_version,
)


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()
API_FIELDS = (
    "name",
    "description",
    "tags",
    "backend_limits",
    "request_size_limit",
    "gateway_settings",
    "api_type",
    "is_default_version",
    "pass_provider_headers",
)


@transaction.atomic
def create_api(
    *,
    tenant: Tenant,
    actor,
    name: str,
    context: str,
    version: str,
    vendor_version: VendorVersion,
    description: str = "",
    tags: list[str] | None = None,
    api_type: str = "native",
    endpoint_url: str | None = None,
) -> AiApi:
    if vendor_version.vendor.tenant_id not in (None, tenant.pk):
        raise InvalidInput("Unknown vendor.", fields={"vendor_version": ["Not found."]})
    api = AiApi(
        tenant=tenant,
        name=name.strip(),
        context=clean_context(context),
        version=clean_version(version),
        vendor_version=vendor_version,
        description=description,
        tags=list(tags or []),
        api_type=api_type,
        created_by=actor,
    )
    _ensure_unique(api)
    api.save()
    api.allowed_plans.set(Plan.objects.filter(tenant=tenant))
    url = endpoint_url or vendor_version.base_url
    for kind in EndpointKind.values:
        Endpoint.objects.create(api=api, kind=kind, url=clean_endpoint_url(url))
    record(
        tenant=tenant,
        actor=actor,
        action="api.create",
        obj=api,
        changes={"context": api.context, "version": api.version},
    )
    return api


def _ensure_unique(api: AiApi) -> None:
    others = AiApi.objects.filter(tenant=api.tenant).exclude(pk=api.pk)
    if owner := others.filter(context=api.context).exclude(name=api.name).first():
        raise Conflict(
            "Context taken.",
            fields={
                "context": [
                    f"Context {api.context} belongs to {owner.name}: "
                    f"use Create New Version on {owner.name} to add a version."
                ]
            },
        )
    if others.filter(context=api.context, version=api.version).exists():
        raise Conflict(
            "Duplicate context.",
            fields={"context": [f"Context {api.context} with version {api.version} exists."]},
        )
    if others.filter(name=api.name, version=api.version).exists():
        raise Conflict(
            "Duplicate name.",
            fields={"name": [f"An API named {api.name} with version {api.version} exists."]},
        )


@transaction.atomic
def update_api(*, api: AiApi, actor, allowed_plans: list[Plan] | None = None, **changes) -> AiApi:
    unknown = set(changes) - set(API_FIELDS)
    if unknown:
        raise InvalidInput(f"Cannot change {', '.join(sorted(unknown))}.")
    if "backend_limits" in changes:
        changes["backend_limits"] = clean_backend_limits(changes["backend_limits"])
    if "gateway_settings" in changes or "api_type" in changes:
        changes["gateway_settings"] = clean_gateway_settings(
            changes.get("gateway_settings", api.gateway_settings),
            api_type=changes.get("api_type", api.api_type),
            driver=api.vendor_version.driver,
        )
        check_attached(api.tenant_id, changes["gateway_settings"])
    for field_name, value in changes.items():
        setattr(api, field_name, value)
    _ensure_unique(api)
    try:
        api.save()
    except IntegrityError:
        raise Conflict("This API conflicts with another one.") from None
    if allowed_plans is not None:
        if any(plan.tenant_id != api.tenant_id for plan in allowed_plans):
            raise InvalidInput("Unknown plan.", fields={"allowed_plans": ["Not found."]})
        api.allowed_plans.set(allowed_plans)
        changes["allowed_plans"] = sorted(plan.name for plan in allowed_plans)
    record(tenant=api.tenant, actor=actor, action="api.update", obj=api, changes=changes)
    return api


@transaction.atomic
def set_endpoint(
    *,
    api: AiApi,
    kind: str,
    actor,
    url: str | None = UNCHANGED,
    credential: str | None = UNCHANGED,
    settings: dict | None = UNCHANGED,
) -> Endpoint | None:
    """Change an endpoint. `url=None` removes it; `credential=None` clears the key."""
    if kind not in EndpointKind.values:
        raise InvalidInput("Unknown endpoint kind.", fields={"kind": ["production or sandbox"]})
    endpoint = Endpoint.objects.filter(api=api, kind=kind).first()
    if url is None:
        if endpoint:
            endpoint.delete()
            record(
                tenant=api.tenant,
                actor=actor,
                action="endpoint.delete",
                obj=api,
                changes={"kind": kind},
            )
        return None
    endpoint = endpoint or Endpoint(api=api, kind=kind)
    changed: dict[str, Any] = {"kind": kind}
    if url is not UNCHANGED:
        endpoint.url = changed["url"] = clean_endpoint_url(url)
    elif not endpoint.url:
        raise InvalidInput("The endpoint needs a URL.", fields={"url": ["Required."]})
    if credential is not UNCHANGED:
        endpoint.credential_encrypted = encrypt_credential(credential or "")
        changed["credential"] = "replaced" if credential else "cleared"
    if settings is not UNCHANGED:
        endpoint.settings = dict(settings or {})
        changed["settings"] = endpoint.settings
    endpoint.save()
    record(
        tenant=api.tenant,
        actor=actor,
        action="endpoint.update",
        obj=api,
        changes={**changed, "credential_state": changed.pop("credential", "unchanged")},
    )
    return endpoint


@transaction.atomic
def delete_api(*, api: AiApi, actor) -> None:
    from core.registry.triggers import unpublish_api_deployments

    if api.subscriptions.exists():
        raise Conflict("This API has subscriptions; remove them or retire the API first.")
    unpublish_api_deployments(api)
    record(tenant=api.tenant, actor=actor, action="api.delete", obj=api)
    api.delete()
