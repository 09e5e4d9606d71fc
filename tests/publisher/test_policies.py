"""Policies: allowed plans, backend limits per endpoint kind, request size limit."""

from __future__ import annotations

import re

from django.urls import reverse


def url(api) -> str:
    return reverse("publisher:policies", kwargs={"api_uuid": api.uuid})


def test_save_plans_limits_and_size(client_as, personas, acme_api):
    gold = personas.tenant.plans.get(name="Gold")
    data = {
        "allowed_plans": [gold.pk],
        "production_requests": 100,
        "production_total_tokens": 5000,
        "production_unit_seconds": 60,
        "sandbox_unit_seconds": 3600,
        "request_size_limit": 65536,
    }
    client = client_as("creator")
    response = client.post(url(acme_api), data)
    assert response.status_code == 302
    acme_api.refresh_from_db()
    assert list(acme_api.allowed_plans.all()) == [gold]
    assert acme_api.backend_limits == {
        "production": {
            "requests": 100,
            "total_tokens": 5000,
            "prompt_tokens": None,
            "completion_tokens": None,
            "unit_seconds": 60,
        },
    }
    assert acme_api.request_size_limit == 65536
    page = client.get(url(acme_api)).content.decode()
    assert "Saved the policies." in page and 'value="5000"' in page


def test_negative_limit_is_a_field_error(client_as, acme_api):
    data = {"production_requests": -1, "production_unit_seconds": 60, "sandbox_unit_seconds": 60}
    response = client_as("creator").post(url(acme_api), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert 'id="id_production_requests_error"' in response.content.decode()


def test_other_tenants_plan_is_not_a_choice(client_as, personas, acme_api):
    foreign = personas.outsider_tenant.plans.first()
    data = {
        "allowed_plans": [foreign.pk],
        "production_unit_seconds": 60,
        "sandbox_unit_seconds": 60,
    }
    response = client_as("creator").post(url(acme_api), data)
    assert response.status_code == 400
    assert not acme_api.allowed_plans.filter(pk=foreign.pk).exists()


def test_the_provider_headers_opt_in(client_as, acme_api):
    data = {"production_unit_seconds": 60, "sandbox_unit_seconds": 60}
    client = client_as("creator")
    assert client.post(url(acme_api), {**data, "pass_provider_headers": "on"}).status_code == 302
    acme_api.refresh_from_db()
    assert acme_api.pass_provider_headers is True
    page = client.get(url(acme_api)).content.decode()
    assert re.search(r'name="pass_provider_headers"[^>]* checked', page)
    assert client.post(url(acme_api), data).status_code == 302
    acme_api.refresh_from_db()
    assert acme_api.pass_provider_headers is False
