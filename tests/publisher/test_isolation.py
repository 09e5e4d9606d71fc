"""Another tenant's objects answer 404 on every publisher page, as if they did not exist."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.services import deployments
from tests.publisher.test_permissions import API_PAGES


@pytest.mark.parametrize("page", API_PAGES)
def test_other_tenants_api_is_not_found(page, client_as, globex_api):
    url = reverse(f"publisher:{page}", kwargs={"api_uuid": globex_api.uuid})
    client = client_as("admin")
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "create", "to_state": "PUBLISHED"}).status_code == 404


def test_list_and_search_show_only_own_apis(client_as, acme_api, globex_api):
    response = client_as("admin").get(reverse("publisher:index"), {"q": "API"})
    assert acme_api.name.encode() in response.content
    assert str(globex_api.uuid).encode() not in response.content


def test_other_tenants_plan_is_not_found(client_as, personas):
    plan = personas.outsider_tenant.plans.first()
    url = reverse("publisher:plan-edit", args=[plan.pk])
    assert client_as("admin").get(url).status_code == 404
    assert client_as("admin").post(url, {"action": "delete"}).status_code == 404
    assert personas.outsider_tenant.plans.filter(pk=plan.pk).exists()


def test_other_tenants_member_is_not_found(client_as, personas):
    data = {"action": "remove", "member": personas.outsider.pk, "confirmed": "1"}
    assert client_as("admin").post(reverse("publisher:members"), data).status_code == 404
    assert personas.outsider.memberships.exists()


def test_revision_of_another_api_is_not_found(client_as, personas, acme_api, globex_api):
    revision = deployments.create_revision(api=globex_api, actor=personas.outsider)
    url = reverse("publisher:deploy", kwargs={"api_uuid": acme_api.uuid})
    environment = personas.tenant.environments.get(is_default=True)
    data = {"action": "deploy", "revision": revision.pk, "environment": environment.pk}
    assert client_as("publisher").post(url, data).status_code == 404
    assert not revision.deployments.exists()


def test_environment_of_another_tenant_is_refused(client_as, personas, acme_api):
    revision = deployments.create_revision(api=acme_api, actor=personas.creator)
    foreign = personas.outsider_tenant.environments.get(is_default=True)
    url = reverse("publisher:deploy", kwargs={"api_uuid": acme_api.uuid})
    data = {"action": "deploy", "revision": revision.pk, "environment": foreign.pk}
    response = client_as("publisher").post(url, data)
    assert response.status_code == 400
    assert not revision.deployments.exists()
