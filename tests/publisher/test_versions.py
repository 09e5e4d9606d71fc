"""Create New Version: the same name and context, settings and endpoints copied, provider keys
not; the default version."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.errors import Conflict
from core.models import AiApi, LifecycleState
from core.services import apis, versions

pytestmark = pytest.mark.django_db


def test_a_new_version_copies_the_api_but_not_its_keys(personas, acme_api):
    apis.set_endpoint(
        api=acme_api, kind="production", actor=personas.creator,
        url="http://127.0.0.1:9/v2", credential="sk-provider",
    )  # fmt: skip
    apis.update_api(
        api=acme_api, actor=personas.creator, gateway_settings={"system_prompt": "Be brief."},
        request_size_limit=4096, allowed_plans=[personas.tenant.plans.get(name="Gold")],
    )  # fmt: skip
    copy = versions.create_new_version(api=acme_api, version="2.0.0", actor=personas.creator)
    assert (copy.name, copy.context, copy.version) == (acme_api.name, acme_api.context, "2.0.0")
    assert copy.lifecycle_state == LifecycleState.CREATED and copy.uuid != acme_api.uuid
    assert copy.gateway_settings["system_prompt"] == "Be brief."
    assert copy.request_size_limit == 4096
    assert [p.name for p in copy.allowed_plans.all()] == ["Gold"]
    production = copy.endpoints.get(kind="production")
    assert production.url == "http://127.0.0.1:9/v2" and not production.has_credential
    assert not copy.deployments.exists() and not copy.subscriptions.exists()


def test_a_version_is_unique_and_the_default_is_one(personas, acme_api):
    with pytest.raises(Conflict):
        versions.create_new_version(api=acme_api, version=acme_api.version, actor=None)
    second = versions.create_new_version(
        api=acme_api, version="2.0.0", actor=personas.creator, make_default=True
    )
    third = versions.create_new_version(
        api=second, version="3.0.0", actor=personas.creator, make_default=True
    )
    defaults = AiApi.objects.filter(name=acme_api.name, is_default_version=True)
    assert list(defaults) == [third] and second.pk != third.pk


def test_create_new_version_in_the_portal(client_as, acme_api):
    client = client_as("creator")
    url = reverse("publisher:new-version", args=[acme_api.uuid])
    response = client.post(url, {"version": "2.0.0", "make_default": "on"})
    copy = AiApi.objects.get(version="2.0.0")
    assert response["Location"] == reverse("publisher:overview", args=[copy.uuid])
    page = client.get(response["Location"]).content.decode()
    assert "endpoints copied without their keys" in page and "default" in page
    client.post(url, {"version": "bad version"})
    assert AiApi.objects.count() == 2
