"""Builders of test data over the real service functions (no raw ORM for important objects)."""

from __future__ import annotations

from dataclasses import dataclass

from core.models import AiApi, ApiKey, Application, Deployment, Plan, Revision, Subscription
from core.models import LifecycleState as S
from core.selectors import vendor_version_by_slug
from core.services import access, apis, deployments, lifecycle

PROVIDER_KEY = "sk-provider-test-key"


def make_api(
    tenant,
    actor,
    *,
    name: str = "Chat",
    context: str = "{version}/chat",
    version: str = "1.0.0",
    vendor: str = "openai",
    provider_key: str = PROVIDER_KEY,
    url: str | None = None,
) -> AiApi:
    api = apis.create_api(
        tenant=tenant,
        actor=actor,
        name=name,
        context=context,
        version=version,
        vendor_version=vendor_version_by_slug(tenant, vendor),
        endpoint_url=url,
    )
    for kind in ("production", "sandbox"):
        apis.set_endpoint(api=api, kind=kind, actor=actor, credential=f"{provider_key}-{kind}")
    return api


def move_to(api: AiApi, state: str, actor) -> AiApi:
    """Walk the lifecycle along allowed transitions to `state`."""
    paths = {
        S.CREATED: [],
        S.PROTOTYPED: [S.PROTOTYPED],
        S.PUBLISHED: [S.PUBLISHED],
        S.BLOCKED: [S.PUBLISHED, S.BLOCKED],
        S.DEPRECATED: [S.PUBLISHED, S.DEPRECATED],
        S.RETIRED: [S.PUBLISHED, S.DEPRECATED, S.RETIRED],
    }
    for step in paths[state]:
        lifecycle.change_lifecycle(api=api, to_state=step, actor=actor)
    api.refresh_from_db()
    return api


def deploy(api: AiApi, actor, environment=None, description: str = "") -> Deployment:
    revision = deployments.create_revision(api=api, actor=actor, description=description)
    environment = environment or api.tenant.environments.get(is_default=True)
    return deployments.deploy_revision(revision=revision, environment=environment, actor=actor)


def plan_named(tenant, name: str) -> Plan:
    return tenant.plans.get(name=name)


@dataclass
class Consumer:
    app: Application
    subscription: Subscription
    key: ApiKey
    plaintext: str


def subscribe_with_key(
    tenant,
    owner,
    api: AiApi,
    *,
    plan: str = "Gold",
    app_name: str = "App",
    key_type: str = "production",
) -> Consumer:
    app = access.create_application(tenant=tenant, owner=owner, name=app_name)
    sub = access.subscribe(app=app, api=api, plan=plan_named(tenant, plan), actor=owner)
    key, plaintext = access.generate_key(app=app, key_type=key_type, actor=owner)
    return Consumer(app, sub, key, plaintext)


def latest_revision(api: AiApi) -> Revision:
    return api.revisions.order_by("-number").first()
