"""REST API fixtures: a populated world per tenant, clients per persona."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from core.api.auth import create_token
from core.costs import services as cost_services
from core.knowledge import services as knowledge
from core.models import Vendor
from core.services import access, deployments, invitations, policies, targets, tenants, vendors
from tests.core.builders import deploy, make_api, move_to, plan_named

BACKUP_URL = "https://backup.example.com/v1"  # `other_api`'s second production target


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    """Every kind of object the REST API exposes, in one tenant."""

    tenant: object
    api: object  # published, deployed to `default` (revision 1), subscribed by `app`
    other_api: object  # published, nobody subscribed
    draft_api: object  # CREATED, no subscriptions: deletable, publishable
    spare_revision: object  # revision 2 of `api`, not deployed
    plan: object  # Gold, used by `subscription`
    other_plan: object  # Silver
    spare_plan: object  # no subscriptions: deletable
    spare_environment: object  # no deployments: deletable
    app: object  # owned by the tenant's developer
    subscription: object
    key: object
    member: object  # a plain subscriber who can be changed or removed
    vendor: object  # the tenant's own custom vendor
    token: object  # the developer's personal access token
    invitation: object  # pending, to a subscriber
    collection: object = None  # a knowledge collection
    document: object = None  # in `collection`, waiting for the worker
    policy: object = None  # a request guardrail on `api`
    price: object = None  # the tenant's price of a model
    budget: object = None  # a monthly budget on `api`


def build_world(tenant, *, admin, creator, publisher, developer, member, env_slug: str) -> World:
    api = move_to(make_api(tenant, creator, name="Chat"), "PUBLISHED", publisher)
    deploy(api, publisher)
    spare_revision = deployments.create_revision(api=api, actor=publisher)
    other_api = move_to(
        make_api(tenant, creator, name="Embed", context="embed"), "PUBLISHED", publisher
    )
    draft_api = make_api(tenant, creator, name="Draft", context="draft")
    targets.save_target(
        api=other_api, kind="production", name="backup", actor=creator, url=BACKUP_URL
    )
    spare_plan = tenants.save_plan(tenant=tenant, actor=admin, name="Spare", request_limit=5)
    spare_environment = tenants.save_environment(
        tenant=tenant, actor=admin, slug=env_slug, name="Staging"
    )
    app = access.create_application(tenant=tenant, owner=developer, name="Dev app")
    sub = access.subscribe(app=app, api=api, plan=plan_named(tenant, "Gold"), actor=developer)
    key, _ = access.generate_key(app=app, key_type="production", actor=developer)
    tenants.add_member(tenant=tenant, user=member, roles=["subscriber"], actor=admin)
    token, _ = create_token(user=developer, name="script", access="read")
    invitation, _ = invitations.invite(
        tenant=tenant, email=f"invitee@{tenant.slug}.test", roles=["subscriber"], actor=admin
    )
    collection = knowledge.create_collection(
        tenant=tenant, actor=creator, slug=f"{tenant.slug}-handbook", name="Handbook"
    )
    document = knowledge.add_document(
        collection=collection,
        actor=creator,
        source=b"Refunds within 30 days.",
        title="Refunds",
        media_type="text",
    )
    return World(
        tenant=tenant,
        api=api,
        other_api=other_api,
        draft_api=draft_api,
        spare_revision=spare_revision,
        plan=plan_named(tenant, "Gold"),
        other_plan=plan_named(tenant, "Silver"),
        spare_plan=spare_plan,
        spare_environment=spare_environment,
        app=app,
        subscription=sub,
        key=key,
        member=member,
        vendor=custom_vendor(tenant),
        token=token,
        invitation=invitation,
        collection=collection,
        document=document,
        policy=policies.add_policy(
            api=api, actor=creator, kind="regex_guard", parameters={"pattern": "secret"}
        ),
        price=cost_services.save_price(
            tenant=tenant, actor=admin, vendor="openai", model="gpt-4o",
            input=Decimal("2"), output=Decimal("8"),
        ),
        budget=cost_services.save_budget(
            tenant=tenant, actor=admin, name="Chat monthly", scope="api", api=api,
            amount=Decimal("100"), period="month",
        ),
    )  # fmt: skip


def custom_vendor(tenant) -> Vendor:
    return vendors.create_custom_vendor(
        tenant=tenant,
        actor=None,
        name="In-house LLM",
        slug=f"{tenant.slug}-llm",
        version="v1",
        base_url="https://llm.example.com/v1",
        auth_scheme="header",
        auth_name="x-api-key",
        api_definition=MINIMAL_OPENAPI,
        usage_paths={"total_tokens": "$.usage.total_tokens"},
    )


MINIMAL_OPENAPI = {
    "openapi": "3.0.3",
    "info": {"title": "In-house LLM", "version": "v1"},
    "paths": {"/generate": {"post": {"responses": {"200": {"description": "OK"}}}}},
}


@dataclass
class Worlds:
    own: World
    other: World


@pytest.fixture
def worlds(personas, django_user_model) -> Worlds:
    p = personas
    own = build_world(
        p.tenant,
        admin=p.admin,
        creator=p.creator,
        publisher=p.publisher,
        developer=p.subscriber,
        env_slug="staging",
        member=django_user_model.objects.create_user("member1", "member@acme.test", "pw"),
    )
    other = build_world(
        p.outsider_tenant,
        admin=p.outsider,
        creator=p.outsider,
        publisher=p.outsider,
        developer=p.outsider,
        env_slug="globex-staging",
        member=django_user_model.objects.create_user("member2", "member@globex.test", "pw"),
    )
    return Worlds(own, other)


@pytest.fixture
def client_for():
    def make(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user=user)
        return client

    return make
