"""The lifecycle through REST: every allowed transition answers 200, every other one 409 with
the error shape, and GET shows the allowed transitions and the history."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AiApi
from core.models import LifecycleState as S
from tests.core.builders import make_api
from tests.core.test_lifecycle import ALLOWED, PAIRS


def lifecycle_url(api) -> str:
    return reverse("api:api-lifecycle", kwargs={"tenant_slug": api.tenant.slug, "api_id": api.pk})


@pytest.fixture
def api(personas):
    return make_api(personas.tenant, personas.creator)


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_transition(api, personas, client_for, source: str, target: str) -> None:
    AiApi.objects.filter(pk=api.pk).update(lifecycle_state=source)
    response = client_for(personas.publisher).post(
        lifecycle_url(api), {"state": target}, format="json"
    )
    api.refresh_from_db()
    if (source, target) in ALLOWED:
        assert response.status_code == 200, response.json()
        assert response.json()["state"] == target == api.lifecycle_state
        assert response.json()["history"][0]["from_state"] == source
    else:
        assert response.status_code == 409
        error = response.json()["error"]
        assert error["code"] == "invalid_lifecycle_transition"
        assert source in error["message"] and target in error["message"]
        assert error["fields"] == {}
        assert api.lifecycle_state == source


def test_get_shows_allowed_transitions_and_history(api, personas, client_for) -> None:
    client = client_for(personas.publisher)
    client.post(lifecycle_url(api), {"action": "Publish", "note": "go"}, format="json")
    body = client.get(lifecycle_url(api)).json()
    assert body["state"] == S.PUBLISHED
    assert body["allowed_transitions"] == [
        {"state": "BLOCKED", "action": "Block"},
        {"state": "CREATED", "action": "Demote to created"},
        {"state": "DEPRECATED", "action": "Deprecate"},
        {"state": "PROTOTYPED", "action": "Deploy as a prototype"},
    ]
    assert body["history"] == [
        {
            "from_state": "CREATED",
            "to_state": "PUBLISHED",
            "actor": "publisher1",
            "note": "go",
            "created_at": body["history"][0]["created_at"],
        }
    ]


@pytest.mark.parametrize("payload", [{"action": "Publish"}, {"state": "PUBLISHED"}])
def test_action_or_state_spellings(api, personas, client_for, payload) -> None:
    response = client_for(personas.publisher).post(lifecycle_url(api), payload, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "PUBLISHED"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"action": "published"}, "action"),  # the schema's enums, exactly
        ({"state": "PUBLISHED", "action": "Publish"}, "action"),
        ({"state": 1}, "state"),
    ],
)
def test_misspelled_or_doubled_moves_are_field_errors(api, personas, client_for, payload, field):
    response = client_for(personas.publisher).post(lifecycle_url(api), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_missing_state_is_a_field_error(api, personas, client_for) -> None:
    response = client_for(personas.publisher).post(lifecycle_url(api), {}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"state": ["Send state (or action)."]}


def test_unknown_state_is_a_field_error(api, personas, client_for) -> None:
    response = client_for(personas.publisher).post(
        lifecycle_url(api), {"state": "LAUNCHED"}, format="json"
    )
    assert response.status_code == 400
    assert "state" in response.json()["error"]["fields"]
