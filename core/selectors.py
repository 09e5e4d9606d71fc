"""Tenant-scoped reads: every query starts from the tenant (or the user) it belongs to.

A lookup that finds nothing raises `NotFound`, so another tenant's object answers 404
exactly like one that does not exist.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Count, Model, Q, QuerySet

from core.errors import NotFound
from core.models import (
    AiApi,
    ApiKey,
    ApiPolicy,
    Application,
    AuditLog,
    Deployment,
    Endpoint,
    GatewayEnvironment,
    Invitation,
    LifecycleEvent,
    Membership,
    PersonalAccessToken,
    Plan,
    Revision,
    Subscription,
    Tenant,
    Vendor,
    VendorVersion,
)
from proxy.public import lifecycle

M = TypeVar("M", bound=Model)


def _one(queryset: QuerySet[M], label: str, **lookup) -> M:
    found = queryset.filter(**lookup).first()
    if found is None:
        raise NotFound(f"{label} not found.")
    return found


# Tenants and members


def memberships_of(user) -> QuerySet[Membership]:
    return Membership.objects.filter(user=user).select_related("tenant").order_by("tenant__name")


def membership_for(user, tenant_slug: str) -> Membership:
    """The caller's membership in a tenant; a tenant they do not belong to is not found."""
    if not user.is_authenticated:
        raise NotFound("Tenant not found.")
    return _one(memberships_of(user), "Tenant", tenant__slug=tenant_slug)


def members(tenant: Tenant) -> QuerySet[Membership]:
    return tenant.memberships.select_related("user").order_by("user__username")


def member(tenant: Tenant, user_id: int) -> Membership:
    return _one(members(tenant), "Member", user_id=user_id)


def invitations(tenant: Tenant) -> QuerySet[Invitation]:
    return tenant.invitations.select_related("invited_by", "accepted_by", "revoked_by")


def invitation(tenant: Tenant, invitation_id: int) -> Invitation:
    return _one(invitations(tenant), "Invitation", pk=invitation_id)


def plans(tenant: Tenant) -> QuerySet[Plan]:
    return tenant.plans.all()


def plan(tenant: Tenant, plan_id: int) -> Plan:
    return _one(plans(tenant), "Plan", pk=plan_id)


def environments(tenant: Tenant) -> QuerySet[GatewayEnvironment]:
    return tenant.environments.all()


def environment(tenant: Tenant, slug: str) -> GatewayEnvironment:
    return _one(environments(tenant), "Gateway environment", slug=slug)


def audit_log(tenant: Tenant) -> QuerySet[AuditLog]:
    return tenant.audit_logs.select_related("actor")


# Vendors: the built-in ones and the tenant's own


def vendors(tenant: Tenant) -> QuerySet[Vendor]:
    return Vendor.objects.filter(Q(tenant__isnull=True) | Q(tenant=tenant)).prefetch_related(
        "versions"
    )


def vendor(tenant: Tenant, vendor_id: int) -> Vendor:
    return _one(vendors(tenant), "Vendor", pk=vendor_id)


def vendor_version_by_slug(tenant: Tenant, vendor_slug: str, version: str = "") -> VendorVersion:
    """The tenant's own vendor wins over a built-in one with the same slug."""
    candidates = vendors(tenant).filter(slug=vendor_slug).order_by("tenant_id")
    chosen = candidates.filter(tenant=tenant).first() or candidates.first()
    if chosen is None:
        raise NotFound("Vendor not found.", fields={"vendor": [f"No vendor {vendor_slug!r}."]})
    versions = chosen.versions.select_related("vendor").order_by("-created_at", "-pk")
    found = versions.filter(version=version).first() if version else versions.first()
    if found is None:
        raise NotFound(
            "Vendor version not found.",
            fields={"vendor_version": [f"{chosen.name} has no version {version!r}."]},
        )
    return found


# AI APIs (publisher side)


def apis(tenant: Tenant) -> QuerySet[AiApi]:
    return (
        tenant.apis.select_related("vendor_version__vendor")
        .prefetch_related("endpoints", "allowed_plans")
        .order_by("name", "version")
    )


def api(tenant: Tenant, api_id: int) -> AiApi:
    return _one(apis(tenant), "API", pk=api_id)


def endpoints(api_: AiApi) -> QuerySet[Endpoint]:
    return api_.endpoints.all()


def lifecycle_history(api_: AiApi) -> QuerySet[LifecycleEvent]:
    return api_.lifecycle_events.select_related("actor")


def api_policies(api_: AiApi) -> QuerySet[ApiPolicy]:
    return api_.policies.all()


def api_policy(api_: AiApi, policy_id: int) -> ApiPolicy:
    return _one(api_.policies.all(), "Policy", pk=policy_id)


def revisions(api_: AiApi) -> QuerySet[Revision]:
    return api_.revisions.select_related("created_by").prefetch_related("deployments__environment")


def revision(api_: AiApi, number: int) -> Revision:
    return _one(revisions(api_), "Revision", number=number)


def deployments(api_: AiApi) -> QuerySet[Deployment]:
    return api_.deployments.select_related("revision", "environment", "deployed_by")


def deployment(api_: AiApi, environment_slug: str) -> Deployment:
    return _one(deployments(api_), "Deployment", environment__slug=environment_slug)


def api_subscriptions(api_: AiApi) -> QuerySet[Subscription]:
    return api_.subscriptions.select_related("application__owner", "api", "plan")


def api_subscription(api_: AiApi, subscription_id: int) -> Subscription:
    return _one(api_subscriptions(api_), "Subscription", pk=subscription_id)


# The developer side: the catalog and the caller's own applications


def catalog(tenant: Tenant) -> QuerySet[AiApi]:
    return apis(tenant).filter(lifecycle_state__in=lifecycle.LISTED_STATES)


def catalog_api(tenant: Tenant, api_id: int) -> AiApi:
    return _one(catalog(tenant), "API", pk=api_id)


def applications(tenant: Tenant, owner) -> QuerySet[Application]:
    # An annotated (GROUP BY) query ignores Meta.ordering, so order explicitly.
    return (
        tenant.applications.filter(owner=owner)
        .annotate(subscription_count=Count("subscriptions", distinct=True))
        .order_by("name")
    )


def application(tenant: Tenant, owner, app_id: int) -> Application:
    return _one(applications(tenant, owner), "Application", pk=app_id)


def keys(app: Application) -> QuerySet[ApiKey]:
    return app.keys.select_related("application")


def key(app: Application, key_id: int) -> ApiKey:
    return _one(keys(app), "Key", pk=key_id)


def subscriptions(tenant: Tenant, owner) -> QuerySet[Subscription]:
    return tenant.subscriptions.filter(application__owner=owner).select_related(
        "application__owner", "api", "plan"
    )


def subscription(tenant: Tenant, owner, subscription_id: int) -> Subscription:
    return _one(subscriptions(tenant, owner), "Subscription", pk=subscription_id)


# Personal access tokens belong to a user, not a tenant


def tokens(user) -> QuerySet[PersonalAccessToken]:
    return user.access_tokens.all()


def token(user, token_id: int) -> PersonalAccessToken:
    return _one(tokens(user), "Token", pk=token_id)
