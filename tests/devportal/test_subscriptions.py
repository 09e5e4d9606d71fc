"""Subscribing from an API's page: allowed plans only, no new subscriptions to deprecated APIs."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import Subscription
from core.services import access, apis, lifecycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def app(personas):
    return access.create_application(tenant=personas.tenant, owner=personas.subscriber, name="Bot")


def subscribe_url(api) -> str:
    return reverse("devportal:subscribe", args=[api.uuid])


def test_subscribe_with_an_allowed_plan(developer, catalog, app, personas):
    gold = personas.tenant.plans.get(name="Gold")
    response = developer.post(
        subscribe_url(catalog.published), {"application": app.pk, "plan": gold.pk}, follow=True
    )
    sub = Subscription.objects.get(application=app, api=catalog.published)
    assert sub.plan == gold
    assert "Bot is subscribed to Chat with Gold." in response.content.decode()


def test_plan_choices_are_the_plans_the_api_allows(developer, catalog, app, personas):
    bronze = personas.tenant.plans.get(name="Bronze")
    apis.update_api(api=catalog.published, actor=personas.admin, allowed_plans=[bronze])
    form = developer.get(reverse("devportal:api-detail", args=[catalog.published.uuid])).context[
        "subscribe_form"
    ]
    assert list(form.fields["plan"].queryset) == [bronze]
    gold = personas.tenant.plans.get(name="Gold")
    response = developer.post(
        subscribe_url(catalog.published),
        {"application": app.pk, "plan": gold.pk},
        headers={"HX-Request": "true"},
    )
    assert "plan" in response.context["subscribe_form"].errors
    assert not Subscription.objects.filter(application=app).exists()


def test_deprecated_api_takes_no_new_subscription(developer, catalog, app, personas):
    gold = personas.tenant.plans.get(name="Gold")
    response = developer.post(
        subscribe_url(catalog.deprecated), {"application": app.pk, "plan": gold.pk}
    )
    assert "takes no new subscriptions" in response.content.decode()
    assert not Subscription.objects.filter(application=app).exists()


def test_cannot_subscribe_someone_elses_application(developer, catalog, personas):
    theirs = access.create_application(tenant=personas.tenant, owner=personas.admin, name="Theirs")
    gold = personas.tenant.plans.get(name="Gold")
    response = developer.post(
        subscribe_url(catalog.published), {"application": theirs.pk, "plan": gold.pk}
    )
    assert "application" in response.context["subscribe_form"].errors
    assert not Subscription.objects.exists()


def test_cannot_subscribe_to_another_tenants_api(developer, catalog, app, personas):
    gold = personas.tenant.plans.get(name="Gold")
    response = developer.post(
        subscribe_url(catalog.foreign), {"application": app.pk, "plan": gold.pk}
    )
    assert response.status_code == 404


def test_cancel_subscription_from_the_api_page(developer, catalog, app, personas):
    sub = access.subscribe(
        app=app, api=catalog.published, plan=personas.tenant.plans.get(name="Gold"), actor=app.owner
    )
    html = developer.get(reverse("devportal:api-detail", args=[catalog.published.uuid]))
    assert reverse("devportal:unsubscribe", args=[sub.pk]) in html.content.decode()
    response = developer.post(
        reverse("devportal:unsubscribe", args=[sub.pk]),
        {"from": "api"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert not Subscription.objects.filter(pk=sub.pk).exists()
    assert "no longer subscribed" in response.content.decode()


def test_cancel_subscription_from_the_application_page(developer, catalog, app, personas):
    sub = access.subscribe(
        app=app, api=catalog.published, plan=personas.tenant.plans.get(name="Gold"), actor=app.owner
    )
    response = developer.post(reverse("devportal:unsubscribe", args=[sub.pk]))
    assert response.url == reverse("devportal:application", args=[app.pk])
    assert not Subscription.objects.filter(pk=sub.pk).exists()


def test_cannot_cancel_someone_elses_subscription(developer, catalog, personas):
    theirs = access.create_application(tenant=personas.tenant, owner=personas.admin, name="Theirs")
    sub = access.subscribe(
        app=theirs,
        api=catalog.published,
        plan=personas.tenant.plans.get(name="Gold"),
        actor=personas.admin,
    )
    assert developer.post(reverse("devportal:unsubscribe", args=[sub.pk])).status_code == 404
    assert Subscription.objects.filter(pk=sub.pk).exists()


def test_application_page_lists_subscriptions_also_of_blocked_apis(
    developer, catalog, app, personas
):
    access.subscribe(
        app=app, api=catalog.published, plan=personas.tenant.plans.get(name="Gold"), actor=app.owner
    )
    lifecycle.change_lifecycle(api=catalog.published, to_state="BLOCKED", actor=personas.admin)
    html = developer.get(reverse("devportal:application", args=[app.pk])).content.decode()
    assert "Chat v1.0.0" in html and "Blocked" in html
