"""Lifecycle: buttons per allowed transition, confirmation for block and retire, history."""

from __future__ import annotations

from django.urls import reverse

from core.models import LifecycleState


def url(api) -> str:
    return reverse("publisher:lifecycle", kwargs={"api_uuid": api.uuid})


def test_buttons_follow_the_allowed_transitions(client_as, acme_api):
    page = client_as("publisher").get(url(acme_api)).content.decode()
    assert ">Publish<" in page and ">Deploy as a prototype<" in page
    assert ">Block<" not in page and ">Retire<" not in page


def test_publish_and_history(client_as, acme_api):
    client = client_as("publisher")
    assert client.post(url(acme_api), {"to_state": "PUBLISHED"}).status_code == 302
    acme_api.refresh_from_db()
    assert acme_api.lifecycle_state == LifecycleState.PUBLISHED
    page = client.get(url(acme_api)).content.decode()
    assert "OpenAI API 1.0.0 is now published." in page
    assert "publisher1" in page  # the history names who did it
    assert ">Block<" in page and ">Deprecate<" in page


def test_block_asks_for_confirmation_first(client_as, acme_api):
    client = client_as("publisher")
    client.post(url(acme_api), {"to_state": "PUBLISHED"})
    response = client.post(url(acme_api), {"to_state": "BLOCKED"}, HTTP_HX_REQUEST="true")
    acme_api.refresh_from_db()
    assert acme_api.lifecycle_state == LifecycleState.PUBLISHED
    content = response.content.decode()
    assert 'role="alertdialog"' in content and "Yes, block" in content
    client.post(url(acme_api), {"to_state": "BLOCKED", "confirmed": "1", "note": "abuse"})
    acme_api.refresh_from_db()
    assert acme_api.lifecycle_state == LifecycleState.BLOCKED
    assert acme_api.lifecycle_events.first().note == "abuse"


def test_a_transition_not_allowed_is_refused(client_as, acme_api):
    response = client_as("publisher").post(url(acme_api), {"to_state": "RETIRED", "confirmed": "1"})
    assert response.status_code == 409
    assert "Cannot move" in response.content.decode()


def test_creator_sees_state_but_no_buttons(client_as, acme_api):
    page = client_as("creator").get(url(acme_api)).content.decode()
    assert "Only publishers can change the lifecycle." in page and ">Publish<" not in page


def test_subscriber_cannot_change_lifecycle(client_as, acme_api):
    response = client_as("subscriber").post(url(acme_api), {"to_state": "PUBLISHED"})
    assert response.status_code == 403
    acme_api.refresh_from_db()
    assert acme_api.lifecycle_state == LifecycleState.CREATED
