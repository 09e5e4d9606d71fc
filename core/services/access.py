"""Applications, subscriptions and application keys (the developer side)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, InvalidInput
from core.models import (
    AiApi,
    ApiKey,
    Application,
    EndpointKind,
    Plan,
    Subscription,
    SubscriptionStatus,
    Tenant,
)
from core.registry.triggers import republish_application_keys, unpublish_key
from core.secrets import hash_key, random_text
from core.services.audit import record


@transaction.atomic
def create_application(
    *,
    tenant: Tenant,
    owner,
    name: str,
    description: str = "",
    tier: str = "Unlimited",
    is_default: bool = False,
) -> Application:
    name = name.strip()
    if not name:
        raise InvalidInput("Name required.", fields={"name": ["This field is required."]})
    if Application.objects.filter(tenant=tenant, owner=owner, name=name).exists():
        raise Conflict("Duplicate name.", fields={"name": [f"You already have {name}."]})
    app = Application.objects.create(
        tenant=tenant,
        owner=owner,
        name=name,
        description=description,
        tier=tier,
        is_default=is_default,
    )
    record(tenant=tenant, actor=owner, action="application.create", obj=app)
    return app


def default_application(*, tenant: Tenant, owner) -> Application:
    app = Application.objects.filter(tenant=tenant, owner=owner, is_default=True).first()
    return app or create_application(
        tenant=tenant,
        owner=owner,
        name="DefaultApplication",
        is_default=True,
        description="Created for Try Out.",
    )


@transaction.atomic
def update_application(*, app: Application, actor, **changes) -> Application:
    if "name" in changes:
        name = changes["name"].strip()
        clash = Application.objects.filter(tenant=app.tenant, owner=app.owner, name=name)
        if clash.exclude(pk=app.pk).exists():
            raise Conflict("Duplicate name.", fields={"name": [f"You already have {name}."]})
        changes["name"] = name
    for field_name in ("name", "description", "tier"):
        if field_name in changes:
            setattr(app, field_name, changes[field_name])
    app.save()
    record(tenant=app.tenant, actor=actor, action="application.update", obj=app, changes=changes)
    republish_application_keys(app.pk)
    return app


@transaction.atomic
def delete_application(*, app: Application, actor) -> None:
    for key in app.keys.all():
        unpublish_key(key.digest)
    record(tenant=app.tenant, actor=actor, action="application.delete", obj=app)
    app.delete()


@transaction.atomic
def subscribe(*, app: Application, api: AiApi, plan: Plan, actor) -> Subscription:
    if api.tenant_id != app.tenant_id or plan.tenant_id != app.tenant_id:
        raise InvalidInput("Unknown API or plan.")
    policy = api.lifecycle_policy
    if not policy.takes_subscriptions:
        message = f"{api.name} is {api.lifecycle_state.lower()} and takes no new subscriptions."
        if policy.open_to_tenant_keys:
            message += " Any key of this tenant may call it without one."
        raise Conflict(message)
    if not api.allowed_plans.filter(pk=plan.pk).exists():
        raise InvalidInput(
            "Plan not allowed.", fields={"plan": [f"{api.name} does not offer {plan}."]}
        )
    if Subscription.objects.filter(application=app, api=api).exists():
        raise Conflict(f"{app.name} is already subscribed to {api.name}.")
    sub = Subscription.objects.create(tenant=app.tenant, application=app, api=api, plan=plan)
    record(
        tenant=app.tenant,
        actor=actor,
        action="subscription.create",
        obj=sub,
        changes={"application": app.pk, "api": api.pk, "plan": plan.name},
    )
    republish_application_keys(app.pk)
    return sub


@transaction.atomic
def change_subscription(
    *, sub: Subscription, actor, plan: Plan | None = None, status: str | None = None
) -> Subscription:
    changes = {}
    if plan is not None:
        if not sub.api.allowed_plans.filter(pk=plan.pk).exists():
            raise InvalidInput("Plan not allowed.", fields={"plan": ["Not offered by this API."]})
        sub.plan, changes["plan"] = plan, plan.name
    if status is not None:
        if status not in SubscriptionStatus.values:
            raise InvalidInput(
                "Unknown status.", fields={"status": [f"One of {SubscriptionStatus.values}."]}
            )
        sub.status = changes["status"] = status
    sub.save()
    record(tenant=sub.tenant, actor=actor, action="subscription.update", obj=sub, changes=changes)
    republish_application_keys(sub.application_id)
    return sub


@transaction.atomic
def unsubscribe(*, sub: Subscription, actor) -> None:
    record(
        tenant=sub.tenant,
        actor=actor,
        action="subscription.delete",
        obj=sub,
        changes={"application": sub.application_id, "api": sub.api_id},
    )
    app_id = sub.application_id
    sub.delete()
    republish_application_keys(app_id)


def _new_key_material(key_type: str) -> tuple[str, str]:
    lookup, secret = random_text(12), random_text(32)
    return f"tg_{key_type[0]}_{lookup}{secret}", lookup


@transaction.atomic
def generate_key(
    *,
    app: Application,
    key_type: str,
    actor,
    name: str = "",
    expires_at: datetime | None = None,
    is_test_key: bool = False,
    console_api: AiApi | None = None,
) -> tuple[ApiKey, str]:
    """Create a key; the plaintext is returned once and never stored."""
    if key_type not in EndpointKind.values:
        raise InvalidInput("Unknown key type.", fields={"key_type": ["production or sandbox"]})
    if expires_at and expires_at <= timezone.now():
        raise InvalidInput("Expiry in the past.", fields={"expires_at": ["Must be in the future."]})
    plaintext, lookup = _new_key_material(key_type)
    key = ApiKey.objects.create(
        tenant=app.tenant,
        application=app,
        key_type=key_type,
        name=name,
        prefix=plaintext[:11],
        lookup=lookup,
        digest=hash_key(plaintext),
        is_test_key=is_test_key,
        console_api=console_api,
        created_by=actor,
        expires_at=expires_at,
    )
    record(
        tenant=app.tenant,
        actor=actor,
        action="key.create",
        obj=key,
        changes={"application": app.pk, "key_type": key_type, "prefix": key.prefix},
    )
    republish_application_keys(app.pk)
    return key, plaintext


def generate_test_key(
    *, app: Application, actor, key_type: str = "production"
) -> tuple[ApiKey, str]:
    expires = timezone.now() + timedelta(seconds=settings.TEST_KEY_TTL_SECONDS)
    return generate_key(
        app=app,
        key_type=key_type,
        actor=actor,
        name="Try Out test key",
        expires_at=expires,
        is_test_key=True,
    )


@transaction.atomic
def revoke_key(*, key: ApiKey, actor) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        record(
            tenant=key.tenant,
            actor=actor,
            action="key.revoke",
            obj=key,
            changes={"prefix": key.prefix},
        )
    unpublish_key(key.digest)
    return key


@transaction.atomic
def regenerate_key(*, key: ApiKey, actor) -> tuple[ApiKey, str]:
    revoke_key(key=key, actor=actor)
    return generate_key(
        app=key.application,
        key_type=key.key_type,
        actor=actor,
        name=key.name,
        expires_at=key.expires_at if key.expires_at and key.expires_at > timezone.now() else None,
    )
