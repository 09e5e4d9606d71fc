"""Create New Version over REST: the versions of an API, and a new one under its context."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.publisher.conftest import make_api

pytestmark = pytest.mark.django_db


def test_create_new_version_over_rest(personas, client_for):
    acme_api = make_api(personas.tenant, personas.creator)
    client = client_for(personas.creator)
    url = reverse("api:api-versions", kwargs={"tenant_slug": "acme", "api_id": acme_api.pk})
    created = client.post(url, {"version": "2.0.0", "make_default": True}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["context"] == acme_api.context
    assert created.json()["is_default_version"] is True
    listed = client.get(url).json()
    assert [v["version"] for v in listed] == [acme_api.version, "2.0.0"]
    again = client.post(url, {"version": "2.0.0"}, format="json")
    assert again.status_code == 409
