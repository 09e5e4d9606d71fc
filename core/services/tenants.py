"""Tenants, members and roles, self sign-up, gateway environments and plans."""

from __future__ import annotations

from django.db import transaction

from core.errors import Conflict, InvalidInput
from core.models import (
    ROLE_VALUES,
    ApiKey,
    GatewayEnvironment,
    Membership,
    Plan,
    Tenant,
)
from core.registry.triggers import republish_plan_keys
from core.services import accounts
from core.services.audit import record

# WSO2's default subscription tiers.
DEFAULT_PLANS = (
    {"name": "Bronze", "description": "1000 requests per minute", "request_limit": 1000},
    {"name": "Silver", "description": "2000 requests per minute", "request_limit": 2000},
    {"name": "Gold", "description": "5000 requests per minute", "request_limit": 5000},
    {"name": "Unlimited", "description": "No limit", "request_limit": None},
)
PLAN_FIELDS = (
    "name",
    "description",
    "request_limit",
    "total_token_limit",
    "prompt_token_limit",
    "completion_token_limit",
    "unit_seconds",
    "stop_on_quota",
)


@transaction.atomic
def create_tenant(*, slug: str, name: str, actor=None) -> Tenant:
    if Tenant.objects.filter(slug=slug).exists():
        raise Conflict("Duplicate slug.", fields={"slug": [f"{slug} is taken."]})
    tenant = Tenant.objects.create(slug=slug, name=name)
    GatewayEnvironment.objects.create(
        tenant=tenant,
        slug="default",
        name="Default",
        is_default=True,
        description="The default gateway environment.",
    )
    for plan in DEFAULT_PLANS:
        Plan.objects.create(tenant=tenant, **plan)
    record(tenant=tenant, actor=actor, action="tenant.create", obj=tenant)
    return tenant


def clean_roles(roles: list[str]) -> list[str]:
    unknown = set(roles) - ROLE_VALUES
    if unknown or not roles:
        raise InvalidInput(
            "Invalid roles.", fields={"roles": [f"Choose from {', '.join(sorted(ROLE_VALUES))}."]}
        )
    return sorted(set(roles))


@transaction.atomic
def add_member(*, tenant: Tenant, user, roles: list[str], actor) -> Membership:
    membership, created = Membership.objects.get_or_create(
        tenant=tenant, user=user, defaults={"roles": clean_roles(roles)}
    )
    if not created:
        raise Conflict(f"{user} is already a member.")
    record(
        tenant=tenant,
        actor=actor,
        action="member.add",
        obj=membership,
        changes={"user": user.pk, "roles": membership.roles},
    )
    return membership


@transaction.atomic
def change_roles(*, membership: Membership, roles: list[str], actor) -> Membership:
    roles = clean_roles(roles)
    _keep_an_admin(membership, still_admin="admin" in roles)
    before = membership.roles
    membership.roles = roles
    membership.save(update_fields=["roles"])
    record(
        tenant=membership.tenant,
        actor=actor,
        action="member.roles",
        obj=membership,
        changes={"from": before, "to": roles},
    )
    if not {"subscriber", "admin"} & set(roles):
        # Without a developer role the member's applications stop working at the gateway.
        _revoke_member_keys(membership, actor)
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, actor) -> None:
    _keep_an_admin(membership, still_admin=False)
    # A removed member's applications must stop working at the gateway too.
    _revoke_member_keys(membership, actor)
    record(
        tenant=membership.tenant,
        actor=actor,
        action="member.remove",
        obj=membership,
        changes={"user": membership.user_id},
    )
    membership.delete()


def _revoke_member_keys(membership: Membership, actor) -> None:
    from core.services.access import revoke_key

    member_keys = ApiKey.objects.filter(
        tenant=membership.tenant, application__owner=membership.user, revoked_at__isnull=True
    )
    for key in member_keys.select_related("tenant"):
        revoke_key(key=key, actor=actor)


def _keep_an_admin(membership: Membership, *, still_admin: bool) -> None:
    if "admin" in membership.roles and not still_admin:
        admins = Membership.objects.filter(tenant=membership.tenant).exclude(pk=membership.pk)
        if not any("admin" in m.roles for m in admins):
            raise Conflict("A tenant needs at least one admin.")


@transaction.atomic
def sign_up(*, tenant: Tenant, username: str, email: str, password: str) -> Membership:
    if not tenant.allow_signup:
        raise InvalidInput(f"{tenant.name} does not allow self sign-up; ask for an invitation.")
    user = accounts.create_user(username=username, email=email, password=password)
    membership = Membership.objects.create(tenant=tenant, user=user, roles=["subscriber"])
    record(tenant=tenant, actor=user, action="member.signup", obj=membership)
    return membership


@transaction.atomic
def save_plan(*, tenant: Tenant, actor, plan: Plan | None = None, **fields) -> Plan:
    unknown = set(fields) - set(PLAN_FIELDS)
    if unknown:
        raise InvalidInput(f"Unknown plan fields: {', '.join(sorted(unknown))}.")
    plan = plan or Plan(tenant=tenant)
    for name, value in fields.items():
        setattr(plan, name, value)
    if not plan.name:
        raise InvalidInput("Name required.", fields={"name": ["This field is required."]})
    clash = Plan.objects.filter(tenant=tenant, name=plan.name).exclude(pk=plan.pk)
    if clash.exists():
        raise Conflict("Duplicate plan.", fields={"name": [f"A plan named {plan.name} exists."]})
    action = "plan.update" if plan.pk else "plan.create"
    plan.save()
    record(tenant=tenant, actor=actor, action=action, obj=plan, changes=fields)
    republish_plan_keys(plan.pk)
    return plan


@transaction.atomic
def delete_plan(*, plan: Plan, actor) -> None:
    if plan.subscriptions.exists():
        raise Conflict(f"{plan.name} has subscriptions; move them to another plan first.")
    record(tenant=plan.tenant, actor=actor, action="plan.delete", obj=plan)
    plan.delete()


@transaction.atomic
def save_environment(
    *, tenant: Tenant, actor, environment: GatewayEnvironment | None = None, **fields
) -> GatewayEnvironment:
    env = environment or GatewayEnvironment(tenant=tenant)
    renamed = env.pk and fields.get("slug", env.slug) != env.slug
    if renamed and env.deployments.exists():
        # The slug is part of every registry key of the environment's deployments.
        raise Conflict(
            "APIs are deployed here; undeploy them before changing the slug.",
            fields={"slug": ["Cannot change while APIs are deployed."]},
        )
    for name in ("slug", "name", "description", "gateway_url"):
        if name in fields:
            setattr(env, name, fields[name])
    clash = GatewayEnvironment.objects.filter(tenant=tenant, slug=env.slug).exclude(pk=env.pk)
    if clash.exists():
        raise Conflict("Duplicate slug.", fields={"slug": [f"{env.slug} exists."]})
    action = "environment.update" if env.pk else "environment.create"
    env.save()
    record(tenant=tenant, actor=actor, action=action, obj=env, changes=fields)
    return env


@transaction.atomic
def delete_environment(*, environment: GatewayEnvironment, actor) -> None:
    if environment.is_default:
        raise Conflict("The default environment cannot be deleted.")
    if environment.deployments.exists():
        raise Conflict("APIs are deployed here; undeploy them first.")
    record(tenant=environment.tenant, actor=actor, action="environment.delete", obj=environment)
    environment.delete()
