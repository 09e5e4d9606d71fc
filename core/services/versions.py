"""Versions of an API (WSO2's Create New Version): the same name and context, a new version.

A new version copies the API's configuration — gateway settings, limits, plans and whatever
other settings the API holds — and its endpoints without their provider keys; it starts
Created, with no revisions, deployments or subscriptions.
"""

from __future__ import annotations

from django.db import transaction

from core.models import AiApi, Endpoint, LifecycleState
from core.services.apis import _ensure_unique
from core.services.audit import record
from core.services.validation import clean_version

NOT_COPIED = frozenset(
    {"id", "uuid", "version", "lifecycle_state", "created_by", "created_at", "updated_at",
     "is_default_version", "tenant"}
)  # fmt: skip


def versions_of(api: AiApi):
    return api.tenant.apis.filter(name=api.name, context=api.context).order_by("created_at")


@transaction.atomic
def create_new_version(*, api: AiApi, version: str, actor, make_default: bool = False) -> AiApi:
    copy = AiApi(
        tenant=api.tenant,
        version=clean_version(version),
        lifecycle_state=LifecycleState.CREATED,
        created_by=actor,
        **{
            field.attname: getattr(api, field.attname)
            for field in AiApi._meta.concrete_fields
            if field.name not in NOT_COPIED
        },
    )
    _ensure_unique(copy)
    copy.save()
    copy.allowed_plans.set(api.allowed_plans.all())
    for endpoint in api.endpoints.all():
        Endpoint.objects.create(
            api=copy, kind=endpoint.kind, url=endpoint.url, settings=dict(endpoint.settings)
        )
    if make_default:
        set_default_version(api=copy, actor=actor)
    record(
        tenant=api.tenant,
        actor=actor,
        action="api.new_version",
        obj=copy,
        changes={"from": api.version, "version": copy.version},
    )
    return copy


@transaction.atomic
def set_default_version(*, api: AiApi, actor) -> AiApi:
    versions_of(api).exclude(pk=api.pk).update(is_default_version=False)
    AiApi.objects.filter(pk=api.pk).update(is_default_version=True)
    api.is_default_version = True
    record(tenant=api.tenant, actor=actor, action="api.default_version", obj=api, changes={})
    return api
