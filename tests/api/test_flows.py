"""The REST API's main journeys, end to end through the views and services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import Deployment
from tests.core.builders import make_api, move_to


def url(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs={"tenant_slug": "acme", **kwargs})


@pytest.fixture
def creator(personas, client_for):
    return client_for(personas.creator)


@pytest.fixture
def publisher(personas, client_for):
    return client_for(personas.publisher)


@pytest.fixture
def developer(personas, client_for):
    return client_for(personas.subscriber)


def test_publisher_journey(creator, publisher, settings) -> None:
    settings.GATEWAY_URL = "http://gw.test:8080"
    created = creator.post(
        url("apis"),
        {
            "name": "Azure chat",
            "context": "{version}/azure",
            "version": "2.3.0",
            "vendor": "azure-openai",
            "tags": ["chat"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    api = created.json()
    assert (api["route"], api["vendor"], api["vendor_version"]) == (
        "2.3.0/azure",
        "azure-openai",
        "2024-10-21",
    )
    assert [e["url"] for e in api["endpoints"]] == [
        "https://your-resource.openai.azure.com"
    ] * 2  # stored normalised
    assert api["lifecycle_state"] == "CREATED" and len(api["allowed_plans"]) == 4

    endpoint = url("api-endpoint", api_id=api["id"], kind="production")
    changed = creator.patch(
        endpoint,
        {"url": "https://1.1.1.1/openai", "api_key": "k", "settings": {"deployment": "gpt4o"}},
        format="json",
    )
    assert changed.json() == {
        **changed.json(),
        "url": "https://1.1.1.1/openai",
        "has_api_key": True,
        "settings": {"deployment": "gpt4o"},
    }
    assert creator.delete(url("api-endpoint", api_id=api["id"], kind="sandbox")).status_code == 204
    assert [e["kind"] for e in creator.get(url("api-endpoints", api_id=api["id"])).json()] == [
        "production"
    ]

    first = publisher.post(url("api-revisions", api_id=api["id"]), {"description": "v1"})
    assert first.status_code == 201 and first.json()["number"] == 1
    assert first.json()["config"]["endpoints"]["sandbox"] is None
    assert first.json()["config"]["endpoints"]["production"]["has_api_key"] is True
    publisher.post(url("api-lifecycle", api_id=api["id"]), {"state": "PUBLISHED"})
    deployed = publisher.post(url("api-deployments", api_id=api["id"]), {"revision": 1})
    assert deployed.status_code == 201
    assert deployed.json()["gateway_url"] == "http://gw.test:8080/t/acme/2.3.0/azure"

    publisher.post(url("api-revisions", api_id=api["id"]), {"description": "v2"})
    publisher.post(url("api-deployments", api_id=api["id"]), {"revision": 2})
    rolled_back = publisher.post(
        url("api-deployments", api_id=api["id"]), {"revision": 1, "environment": "default"}
    )
    assert rolled_back.json()["revision"] == 1
    assert Deployment.objects.filter(api_id=api["id"]).count() == 1
    revisions = publisher.get(url("api-revisions", api_id=api["id"])).json()
    assert [(r["number"], r["deployed_to"]) for r in revisions] == [(2, []), (1, ["default"])]

    refused = publisher.delete(url("api-revision", api_id=api["id"], number=1))
    assert refused.status_code == 409
    undeploy = url("api-deployment", api_id=api["id"], environment="default")
    assert publisher.delete(undeploy).status_code == 204
    assert publisher.get(undeploy).status_code == 404
    assert publisher.delete(url("api-revision", api_id=api["id"], number=1)).status_code == 204


def test_deploying_to_an_unknown_environment_or_revision(personas, publisher) -> None:
    api = make_api(personas.tenant, personas.creator)
    assert publisher.post(url("api-deployments", api_id=api.pk), {"revision": 1}).status_code == 404
    publisher.post(url("api-revisions", api_id=api.pk), {})
    response = publisher.post(
        url("api-deployments", api_id=api.pk), {"revision": 1, "environment": "mars"}
    )
    assert response.status_code == 404


def test_developer_journey(personas, developer, publisher) -> None:
    api = move_to(make_api(personas.tenant, personas.creator), "PUBLISHED", personas.publisher)
    make_api(personas.tenant, personas.creator, name="Hidden", context="hidden")
    catalog = developer.get(url("catalog")).json()
    assert [entry["name"] for entry in catalog["results"]] == ["Chat"]
    gold = next(p for p in catalog["results"][0]["plans"] if p["name"] == "Gold")

    app = developer.post(url("applications"), {"name": "Bot", "tier": "20PerMin"}).json()
    duplicate = developer.post(url("applications"), {"name": "Bot"})
    assert duplicate.status_code == 409
    sub = developer.post(
        url("subscriptions"), {"application": app["id"], "api": api.pk, "plan": gold["id"]}
    )
    assert sub.status_code == 201 and sub.json()["status"] == "ACTIVE"
    again = developer.post(
        url("subscriptions"), {"application": app["id"], "api": api.pk, "plan": gold["id"]}
    )
    assert again.status_code == 409

    blocked = publisher.patch(
        url("api-subscription", api_id=api.pk, subscription_id=sub.json()["id"]),
        {"status": "BLOCKED"},
    )
    assert blocked.json()["status"] == "BLOCKED"
    mine = developer.get(url("subscriptions")).json()["results"]
    assert [(s["api_name"], s["plan_name"], s["status"]) for s in mine] == [
        ("Chat", "Gold", "BLOCKED")
    ]

    silver = personas.tenant.plans.get(name="Silver")
    moved = developer.patch(
        url("subscription", subscription_id=sub.json()["id"]), {"plan": silver.pk}
    )
    assert moved.json()["plan_name"] == "Silver"
    assert developer.get(url("application", app_id=app["id"])).json()["subscription_count"] == 1
    unsubscribed = developer.delete(url("subscription", subscription_id=sub.json()["id"]))
    assert unsubscribed.status_code == 204
    assert developer.delete(url("application", app_id=app["id"])).status_code == 204


def test_subscribing_to_an_api_outside_the_catalog(personas, developer) -> None:
    hidden = make_api(personas.tenant, personas.creator)
    app = developer.post(url("applications"), {"name": "Bot"}).json()
    response = developer.post(
        url("subscriptions"),
        {
            "application": app["id"],
            "api": hidden.pk,
            "plan": personas.tenant.plans.get(name="Gold").pk,
        },
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"api": ["API not found."]}


def test_admin_journey(personas, client_for) -> None:
    admin = client_for(personas.admin)
    members = admin.get(url("members")).json()["results"]
    assert [m["username"] for m in members] == ["admin1", "creator1", "publisher1", "subscriber1"]
    changed = admin.patch(
        url("member", user_id=personas.creator.pk), {"roles": ["creator", "publisher"]}
    )
    assert changed.json()["roles"] == ["creator", "publisher"]
    last_admin = admin.patch(url("member", user_id=personas.admin.pk), {"roles": ["creator"]})
    assert last_admin.status_code == 409
    assert admin.delete(url("member", user_id=personas.admin.pk)).status_code == 409
    bad_role = admin.patch(url("member", user_id=personas.creator.pk), {"roles": ["king"]})
    assert "roles" in bad_role.json()["error"]["fields"]

    invited = admin.post(url("invitations"), {"email": "New@Acme.test", "roles": ["creator"]})
    assert invited.status_code == 201
    link = invited.json()["invite_url"]
    assert link.startswith("http") and "/accounts/invitation/" in link
    listed = admin.get(url("invitations")).json()["results"]
    assert listed[0]["email"] == "new@acme.test" and "invite_url" not in listed[0]
    assert link.rsplit("/", 2)[-2] not in str(listed)


def test_plans_and_environments(personas, client_for) -> None:
    admin = client_for(personas.admin)
    plan = admin.post(
        url("plans"),
        {
            "name": "Tokens",
            "total_token_limit": 10000,
            "unit_seconds": 3600,
            "stop_on_quota": False,
        },
    ).json()
    assert (plan["request_limit"], plan["total_token_limit"]) == (None, 10000)
    assert admin.post(url("plans"), {"name": "Tokens"}).status_code == 409
    assert admin.post(url("plans"), {"name": "Z", "request_limit": 0}).status_code == 400
    names = [p["name"] for p in admin.get(url("plans")).json()["results"]]
    assert names == ["Bronze", "Silver", "Gold", "Tokens", "Unlimited"]  # by size

    env = admin.post(
        url("environments"), {"slug": "eu", "name": "EU", "gateway_url": "https://eu.gw.test"}
    )
    assert env.status_code == 201
    assert admin.delete(url("environment", environment="default")).status_code == 409
    assert admin.patch(url("environment", environment="eu"), {"slug": "eu-west"}).status_code == 200
    assert admin.get(url("environment", environment="eu-west")).json()["name"] == "EU"


def test_an_environment_keeps_its_slug_while_deployed(personas, client_for) -> None:
    from tests.core.builders import deploy

    api = make_api(personas.tenant, personas.creator)
    deploy(api, personas.publisher)
    response = client_for(personas.admin).patch(
        url("environment", environment="default"), {"slug": "prod"}
    )
    assert response.status_code == 409
    assert "slug" in response.json()["error"]["fields"]


def test_vendors(personas, worlds, client_for) -> None:
    vendors = client_for(personas.subscriber).get(url("vendors")).json()["results"]
    slugs = [v["slug"] for v in vendors]
    assert set(slugs) == {
        "openai",
        "azure-openai",
        "mistral",
        "anthropic",
        "gemini",
        "cohere",
        "openai-compatible",
        "acme-llm",
    }
    openai = next(v for v in vendors if v["slug"] == "openai")
    assert openai["is_builtin"] and openai["versions"][0]["auth_prefix"] == "Bearer "
    assert {
        "method": "POST",
        "path": "/chat/completions",
        "summary": "Create chat completion",
    } in openai["versions"][0]["operations"]
    detail = client_for(personas.creator).get(url("vendor", vendor_id=openai["id"])).json()
    assert "/embeddings" in detail["api_definitions"]["v1"]["paths"]


def test_lists_are_paginated(personas, creator) -> None:
    for n in range(3):
        make_api(personas.tenant, personas.creator, name=f"A{n}", context=f"a{n}")
    page = creator.get(url("apis"), {"limit": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]


def test_an_api_opts_in_to_passing_the_provider_headers(personas, creator):
    api = make_api(personas.tenant, personas.creator)
    detail = url("api", api_id=api.pk)
    assert creator.get(detail).json()["pass_provider_headers"] is False
    changed = creator.patch(detail, {"pass_provider_headers": True}, format="json")
    assert changed.status_code == 200 and changed.json()["pass_provider_headers"] is True
    refused = creator.patch(detail, {"pass_provider_headers": "sometimes"}, format="json")
    assert refused.status_code == 400
    assert "pass_provider_headers" in str(refused.json())
    api.refresh_from_db()
    assert api.pass_provider_headers is True
