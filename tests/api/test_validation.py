"""Input errors come back as {"error": {"code", "message", "fields"}} with field errors."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AiApi
from tests.core.builders import make_api


def url(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs={"tenant_slug": "acme", **kwargs})


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "fields"}
    return body["error"]


@pytest.fixture
def creator(personas, client_for):
    return client_for(personas.creator)


@pytest.mark.parametrize(
    "host",
    ["2130706433", "[::ffff:127.0.0.1]", "169.254.169.254", "100.64.0.1", "localhost.", "0x7f.1"],
)
def test_unsafe_endpoint_url_is_a_field_error(settings, personas, creator, host) -> None:
    settings.ALLOW_PRIVATE_UPSTREAMS = False
    api = make_api(personas.tenant, personas.creator)
    response = creator.patch(
        url("api-endpoint", api_id=api.pk, kind="production"),
        {"url": f"https://{host}/v1"},
        format="json",
    )
    error = error_of(response, 400)
    assert error["code"] == "invalid_input" and list(error["fields"]) == ["url"]


def test_http_endpoint_refused_unless_allowed(settings, personas, creator) -> None:
    settings.ALLOW_HTTP_UPSTREAMS = False
    response = creator.post(
        url("apis"),
        {
            "name": "H",
            "context": "h",
            "version": "1",
            "vendor": "openai",
            "endpoint_url": "http://1.1.1.1",
        },
        format="json",
    )
    assert error_of(response, 400)["fields"]["url"][0].startswith("Refused: the scheme")
    assert not AiApi.objects.filter(name="H").exists()


def test_missing_fields(creator) -> None:
    error = error_of(creator.post(url("apis"), {}, format="json"), 400)
    assert error["code"] == "invalid_input"
    assert set(error["fields"]) == {"name", "context", "version", "vendor"}


def test_unknown_fields_are_refused_not_ignored(personas, creator) -> None:
    api = make_api(personas.tenant, personas.creator)
    error = error_of(
        creator.patch(url("api", api_id=api.pk), {"context": "moved"}, format="json"), 400
    )
    assert error["fields"] == {"context": ["Unknown or read-only field."]}


def test_invalid_context_and_version(creator) -> None:
    body = {"name": "N", "context": "t/x", "version": "1", "vendor": "openai"}
    assert "context" in error_of(creator.post(url("apis"), body, format="json"), 400)["fields"]
    body = {**body, "context": "ok", "version": "bad version"}
    assert "version" in error_of(creator.post(url("apis"), body, format="json"), 400)["fields"]


def test_unknown_vendor(creator) -> None:
    body = {"name": "N", "context": "n", "version": "1", "vendor": "nope"}
    error = error_of(creator.post(url("apis"), body, format="json"), 404)
    assert error["fields"] == {"vendor": ["No vendor 'nope'."]}


def test_duplicate_context_is_a_conflict(personas, creator) -> None:
    make_api(personas.tenant, personas.creator, name="A", context="same", version="1")
    body = {"name": "B", "context": "same", "version": "1", "vendor": "openai"}
    error = error_of(creator.post(url("apis"), body, format="json"), 409)
    assert error["code"] == "conflict" and "context" in error["fields"]


@pytest.mark.parametrize(
    "limits",
    [
        {"production": {"requests": 0}},
        {"production": {"tokens": 5}},
        {"staging": {"requests": 5}},
        {"sandbox": {"requests": "many"}},
    ],
)
def test_backend_limits_are_validated(personas, creator, limits) -> None:
    api = make_api(personas.tenant, personas.creator)
    response = creator.patch(url("api", api_id=api.pk), {"backend_limits": limits}, format="json")
    assert error_of(response, 400)["fields"]
    api.refresh_from_db()
    assert api.backend_limits == {}


def test_backend_limits_and_allowed_plans_are_saved(personas, creator) -> None:
    api = make_api(personas.tenant, personas.creator)
    gold = personas.tenant.plans.get(name="Gold")
    response = creator.patch(
        url("api", api_id=api.pk),
        {
            "backend_limits": {"production": {"requests": 100, "total_tokens": 5000}},
            "allowed_plans": [gold.pk],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["backend_limits"] == {
        "production": {"requests": 100, "total_tokens": 5000}
    }
    assert response.json()["allowed_plans"] == [gold.pk]


def test_other_tenants_plan_is_a_field_error(personas, creator) -> None:
    api = make_api(personas.tenant, personas.creator)
    foreign = personas.outsider_tenant.plans.get(name="Gold")
    response = creator.patch(
        url("api", api_id=api.pk), {"allowed_plans": [foreign.pk]}, format="json"
    )
    assert "allowed_plans" in error_of(response, 400)["fields"]


def test_subscribing_with_another_tenants_ids_is_a_field_error(worlds, personas, client_for):
    other = worlds.other
    body = {"application": worlds.own.app.pk, "api": other.other_api.pk, "plan": other.plan.pk}
    response = client_for(personas.subscriber).post(url("subscriptions"), body, format="json")
    assert set(error_of(response, 400)["fields"]) == {"api"}


def test_not_found_has_the_error_shape(creator) -> None:
    error = error_of(creator.get(url("api", api_id=999999)), 404)
    assert error["code"] == "not_found"


def test_anonymous_has_the_error_shape(client_for) -> None:
    response = client_for(None).get(url("apis"))
    assert error_of(response, 401)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Bearer"


def test_forbidden_has_the_error_shape(personas, client_for) -> None:
    error = error_of(client_for(personas.subscriber).get(url("apis")), 403)
    assert error["code"] == "permission_denied"
