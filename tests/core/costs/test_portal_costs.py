"""The portals' cost pages: the publisher's spend per application and model and its budgets,
a developer's application spend and remaining budget."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from core.costs.services import save_budget
from core.models import Budget, UsageEvent
from core.rollups import roll_up_pending

pytestmark = pytest.mark.django_db


def spend(api, app, model: str, dollars: str) -> None:
    UsageEvent.objects.create(
        request_id=uuid.uuid4().hex, ts=datetime.now(UTC) - timedelta(minutes=2),
        tenant_id=api.tenant_id, api_id=api.pk, application_id=app.pk, status=200,
        total_latency_ms=1.0, model_answered=model, prompt_tokens=10, completion_tokens=5,
        total_tokens=15, cost_pico=int(Decimal(dollars) * 10**12), currency="USD",
    )  # fmt: skip


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_publisher_sees_spend_per_application_and_model_and_adds_a_budget(personas, live):
    api, _, consumer = live
    spend(api, consumer.app, "gpt-4o", "1.25")
    spend(api, consumer.app, "gpt-4o-mini", "0.5")
    roll_up_pending()
    client = signed_in(personas.publisher)

    html = client.get(reverse("publisher:costs")).content.decode()
    assert "Spend by application" in html and consumer.app.name in html
    assert "gpt-4o-mini" in html and "1.7500" in html and "1.2500" in html

    response = client.post(
        reverse("publisher:costs"),
        {"name": "Chat daily", "scope": "api", "api": api.pk, "amount": "3", "currency": "USD",
         "period": "day", "action": "downgrade", "downgrade_model": "gpt-4o-mini",
         "thresholds": "80", "notify_emails": "ops@acme.test"},
    )  # fmt: skip
    assert response.status_code == 302
    budget = Budget.objects.get(name="Chat daily")
    assert (budget.api, budget.thresholds, budget.notify_emails) == (api, [80], ["ops@acme.test"])
    assert "1.7500 of 3.00 USD (58 %)" in client.get(reverse("publisher:costs")).content.decode()


def test_a_budget_without_its_api_is_a_field_error(personas, live):
    response = signed_in(personas.publisher).post(
        reverse("publisher:costs"),
        {"name": "x", "scope": "api", "amount": "3", "currency": "USD", "period": "day",
         "action": "refuse", "thresholds": "80"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "This scope needs its api." in response.content.decode()


def test_developer_sees_the_application_spend_and_remaining_budget(personas, live):
    api, _, consumer = live
    spend(api, consumer.app, "gpt-4o", "0.3")
    save_budget(
        tenant=personas.tenant, actor=personas.admin, name="App monthly", scope="application",
        application=consumer.app, amount=Decimal("2"), period="month",
    )  # fmt: skip
    url = reverse("devportal:application", args=[consumer.app.pk])
    html = signed_in(personas.subscriber).get(url).content.decode()
    assert "App monthly" in html
    assert "0.3000 of 2.00 USD (15 %)" in html and "1.7000 USD" in html
