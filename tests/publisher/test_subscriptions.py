"""Subscriptions: who is subscribed with which plan; block and unblock."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import SubscriptionStatus
from core.services import access, lifecycle


def url(api) -> str:
    return reverse("publisher:subscriptions", kwargs={"api_uuid": api.uuid})


@pytest.fixture
def subscription(personas, acme_api):
    lifecycle.change_lifecycle(api=acme_api, to_state="PUBLISHED", actor=personas.publisher)
    app = access.create_application(
        tenant=personas.tenant, owner=personas.subscriber, name="Chatbot"
    )
    return access.subscribe(
        app=app,
        api=acme_api,
        plan=personas.tenant.plans.get(name="Gold"),
        actor=personas.subscriber,
    )


def test_list_shows_application_owner_and_plan(client_as, acme_api, subscription):
    page = client_as("publisher").get(url(acme_api)).content.decode()
    assert "Chatbot" in page and "subscriber1" in page and "Gold" in page and "Active" in page


def test_block_and_unblock(client_as, acme_api, subscription):
    client = client_as("publisher")
    response = client.post(
        url(acme_api),
        {"subscription": subscription.pk, "status": "BLOCKED"},
        HTTP_HX_REQUEST="true",
    )
    assert "Blocked Chatbot&#x27;s subscription." in response.content.decode()
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.BLOCKED
    client.post(url(acme_api), {"subscription": subscription.pk, "status": "ACTIVE"})
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE


def test_unknown_status_is_a_bad_request(client_as, acme_api, subscription):
    response = client_as("publisher").post(
        url(acme_api), {"subscription": subscription.pk, "status": "GONE"}
    )
    assert response.status_code == 400


def test_creator_cannot_block(client_as, acme_api, subscription):
    response = client_as("creator").post(
        url(acme_api), {"subscription": subscription.pk, "status": "BLOCKED"}
    )
    assert response.status_code == 403
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
