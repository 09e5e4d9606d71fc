"""Every reader of the lifecycle table agrees with it, state by state: the REST API and the
services (subscribing), the developer portal (listed, Subscribe, Try Out without subscribing),
the registry compiler (routes) and the gateway (routing and the authorization decision)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from core.errors import Conflict
from core.management.commands.lifecycle_docs import docs_path, rendered
from core.models import AiApi, LifecycleState
from core.registry.compiler import compile_deployment, compile_key
from core.services import access
from proxy.auth import authorize
from proxy.errors import GatewayError
from proxy.lifecycle import LIFECYCLE, STATES, StatePolicy
from proxy.public import CONSOLE_STATES
from proxy.routing import resolve

pytestmark = pytest.mark.django_db
ROWS = pytest.mark.parametrize("policy", LIFECYCLE, ids=[p.state for p in LIFECYCLE])


def api_in(catalog, state: str) -> AiApi:
    return {
        "CREATED": catalog.created,
        "PROTOTYPED": catalog.prototyped,
        "PUBLISHED": catalog.published,
        "BLOCKED": catalog.blocked,
        "DEPRECATED": catalog.deprecated,
        "RETIRED": catalog.retired,
    }[state]


def test_the_table_covers_exactly_the_model_states():
    assert tuple(LifecycleState.values) == STATES


def test_the_docs_show_the_table_of_the_code():
    current = docs_path().read_text()
    assert rendered(current) == current, "run `manage.py lifecycle_docs`"
    call_command("lifecycle_docs", "--check")


def test_a_stale_table_in_the_docs_is_caught(tmp_path, monkeypatch):
    stale = docs_path().read_text().replace("| `PUBLISHED` | yes", "| `PUBLISHED` | no")
    copy = tmp_path / "lifecycle.md"
    copy.write_text(stale)
    monkeypatch.setattr("core.management.commands.lifecycle_docs.docs_path", lambda: copy)
    with pytest.raises(Exception, match="stale"):
        call_command("lifecycle_docs", "--check")
    call_command("lifecycle_docs")
    assert copy.read_text() == docs_path().read_text()


@ROWS
def test_rest_and_services(policy: StatePolicy, catalog, personas):
    api = api_in(catalog, policy.state)
    developer = personas.subscriber
    app = access.create_application(tenant=personas.tenant, owner=developer, name="Bot")
    plan = personas.tenant.plans.get(name="Gold")
    client = APIClient()
    client.force_authenticate(user=developer)
    base = f"/api/v1/tenants/{personas.tenant.slug}"

    shown = client.get(f"{base}/catalog/{api.pk}/")
    listing = {row["id"] for row in client.get(f"{base}/catalog/?limit=100").json()["results"]}
    assert (shown.status_code == 200, api.pk in listing) == (policy.listed, policy.listed)

    body = {"application": app.pk, "api": api.pk, "plan": plan.pk}
    answer = client.post(f"{base}/subscriptions/", body, format="json")
    if policy.takes_subscriptions:
        assert answer.status_code == 201
    elif policy.listed:
        assert answer.status_code == 409, answer.content
    else:
        assert answer.status_code == 400 and "api" in answer.json()["error"]["fields"]

    other = access.create_application(tenant=personas.tenant, owner=developer, name="Other")
    if policy.takes_subscriptions:
        access.subscribe(app=other, api=api, plan=plan, actor=developer)
    else:
        with pytest.raises(Conflict):
            access.subscribe(app=other, api=api, plan=plan, actor=developer)


@ROWS
def test_developer_portal(policy: StatePolicy, catalog, developer):
    api = api_in(catalog, policy.state)
    page = developer.get(reverse("devportal:api-detail", args=[api.uuid]))
    listed_page = developer.get(reverse("devportal:index"))
    assert page.status_code == (200 if policy.listed else 404)
    assert (str(api.uuid) in listed_page.content.decode()) is policy.listed
    if policy.listed:
        subscribe_button = 'href="#subscriptions-heading">Subscribe</a>'
        assert (subscribe_button in page.content.decode()) is policy.takes_subscriptions
        assert page.context["needs_subscription"] is not policy.open_to_tenant_keys


@ROWS
def test_registry_compiler(policy: StatePolicy, catalog):
    deployment = api_in(catalog, policy.state).deployments.get()
    compiled = compile_deployment(deployment, version=1) is not None
    assert compiled is (policy.routes or policy.state in CONSOLE_STATES)


class OneRoute:
    """The part of the proxy's Registry that routing reads, holding one deployment."""

    max_route_depth = 4
    ready = True

    def __init__(self, live) -> None:
        self.live = live

    def find_route(self, tenant: str, route: str):
        snapshot = self.live.snapshot
        return self.live if (tenant, route) == (snapshot.tenant_slug, snapshot.route) else None


class Live:
    def __init__(self, snapshot) -> None:
        self.snapshot = snapshot

    def supports(self, method: str, operation: str) -> bool:
        return True


def gateway_answer(snapshot, key) -> str:
    """What the gateway decides for this key: `served:<plan>`, `served:unsubscribed` or a code."""
    try:
        path = f"/t/{snapshot.tenant_slug}/{snapshot.route}/chat/completions"
        resolve(OneRoute(Live(snapshot)), "default", "POST", path)
        grant = authorize(snapshot, key)
    except GatewayError as error:
        return error.code
    return f"served:{grant.plan_name}" if grant else "served:unsubscribed"


def expected_answer(policy: StatePolicy, subscribed: bool) -> str:
    if not policy.routes:
        return "route_not_found"
    if policy.open_to_tenant_keys:
        return "served:unsubscribed"
    if not policy.serves_subscribers:
        return "api_blocked"
    return "served:Gold" if subscribed else "not_subscribed"


@ROWS
def test_gateway_routing_and_authorization(policy: StatePolicy, catalog, personas):
    published = catalog.published
    developer = personas.subscriber
    plan = personas.tenant.plans.get(name="Gold")
    subscriber = access.create_application(tenant=personas.tenant, owner=developer, name="Sub")
    access.subscribe(app=subscriber, api=published, plan=plan, actor=developer)
    stranger = access.create_application(tenant=personas.tenant, owner=developer, name="None")
    keys = {
        subscribed: compile_key(
            access.generate_key(app=app, key_type="production", actor=developer)[0], version=1
        )
        for subscribed, app in ((True, subscriber), (False, stranger))
    }
    compiled = compile_deployment(published.deployments.get(), version=1)
    snapshot = replace(compiled, lifecycle_state=policy.state)
    for subscribed, key in keys.items():
        assert gateway_answer(snapshot, key) == expected_answer(policy, subscribed), subscribed
