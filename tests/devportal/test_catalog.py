"""Browsing: which APIs are listed, search and filters, the API page, anonymous visitors."""

from __future__ import annotations

from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from core.services import tenants as tenant_services

pytestmark = pytest.mark.django_db
INDEX = reverse("devportal:index")


def detail_url(api) -> str:
    return reverse("devportal:api-detail", args=[api.uuid])


def listed_names(response) -> set[str]:
    return {group.primary.name for group in response.context["page_obj"].object_list}


def test_lists_published_deprecated_prototyped_and_undeployed(developer, catalog):
    response = developer.get(INDEX)
    assert response.status_code == 200
    assert listed_names(response) == {api.name for api in catalog.listed}
    html = response.content.decode()
    assert "Deprecated" in html and "Prototype" in html and "Not deployed" in html


@pytest.mark.parametrize("hidden", ["created", "blocked", "retired", "foreign"])
def test_hidden_apis_are_not_listed_and_their_page_is_404(developer, catalog, hidden):
    api = getattr(catalog, hidden)
    assert api.name not in listed_names(developer.get(INDEX))
    searched = developer.get(INDEX, {"q": api.name})
    assert listed_names(searched) == set()
    assert str(api.uuid) not in searched.content.decode()
    assert developer.get(detail_url(api)).status_code == 404
    assert developer.get(reverse("devportal:tryout", args=[api.uuid])).status_code == 404


def test_search_matches_name_description_and_tags(developer, catalog):
    assert listed_names(developer.get(INDEX, {"q": "mistral"})) == {"Mistral Chat"}
    assert listed_names(developer.get(INDEX, {"q": "proto"})) == {"Proto Chat"}
    assert listed_names(developer.get(INDEX, {"q": "openai"})) >= {"Chat"}


def test_filter_by_provider_and_tag(developer, catalog):
    assert listed_names(developer.get(INDEX, {"provider": "mistral"})) == {"Mistral Chat"}
    assert listed_names(developer.get(INDEX, {"tag": "chat"})) == {"Chat", "Old Chat"}
    assert listed_names(developer.get(INDEX, {"tag": "chat", "provider": "mistral"})) == set()


def test_filters_offer_only_this_tenants_providers_and_tags(developer, catalog):
    form = developer.get(INDEX).context["form"]
    assert dict(form.fields["provider"].choices) == {
        "": "All providers",
        "mistral": "Mistral",
        "openai": "OpenAI",
    }
    assert [value for value, _ in form.fields["tag"].choices] == ["", "chat", "mistral", "openai"]


def test_htmx_search_returns_only_the_results_partial(developer, catalog):
    response = developer.get(INDEX, {"q": "chat"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="catalog-results"' in html
    assert "<html" not in html and "catalog-filters" not in html


def test_api_page_shows_provider_urls_operations_and_samples(developer, catalog, settings):
    settings.GATEWAY_URL = "http://gw.example:8080"
    api = catalog.published
    html = unescape(developer.get(detail_url(api)).content.decode())
    base = f"http://gw.example:8080/t/acme/{api.resolved_context}"
    assert "OpenAI" in html and "v1.0.0" in html
    assert base in html
    assert "/chat/completions" in html and "/embeddings" in html and "/models" in html
    assert "Say this is a test!" in html
    assert f'base_url="{base}"' in html  # the openai SDK sample
    assert "TOLLGATE_API_KEY" in html and "Try Out" in html


def test_environment_gateway_url_wins_over_the_default(developer, catalog):
    env = catalog.published.tenant.environments.get(is_default=True)
    env.gateway_url = "https://gw.acme.test"
    env.save()
    html = developer.get(detail_url(catalog.published)).content.decode()
    assert f"https://gw.acme.test/t/acme/{catalog.published.resolved_context}" in html


def test_undeployed_api_page_says_so_and_offers_no_try_out(developer, catalog):
    html = developer.get(detail_url(catalog.undeployed)).content.decode()
    assert "Not deployed yet" in html
    assert reverse("devportal:tryout", args=[catalog.undeployed.uuid]) not in html


def test_deprecated_api_page_offers_no_subscription(developer, catalog):
    html = developer.get(detail_url(catalog.deprecated)).content.decode()
    assert "takes no new subscriptions" in html
    assert reverse("devportal:subscribe", args=[catalog.deprecated.uuid]) not in html


def test_anonymous_visitor_browses_a_public_tenant(catalog):
    client = Client()
    response = client.get(INDEX, {"tenant": "acme"})
    assert response.status_code == 200
    assert listed_names(response) == {api.name for api in catalog.listed}
    # The choice is remembered for the next pages.
    assert client.get(detail_url(catalog.published)).status_code == 200
    assert client.get(detail_url(catalog.foreign)).status_code == 404
    html = client.get(detail_url(catalog.published)).content.decode()
    assert reverse("signup", args=["acme"]) in html


def test_anonymous_visitor_gets_the_default_tenant(catalog, settings):
    settings.DEFAULT_TENANT = "globex"
    response = Client().get(INDEX)
    assert listed_names(response) == {"Globex Secret"}


def test_invitation_only_tenant_is_not_public(catalog):
    acme = catalog.published.tenant
    acme.allow_signup = False
    acme.save()
    response = Client().get(INDEX, {"tenant": "acme"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_members_see_their_own_tenant_whatever_the_query_says(developer, catalog):
    response = developer.get(INDEX, {"tenant": "globex"})
    assert "Globex Secret" not in listed_names(response)
    assert "Chat" in listed_names(response)


def test_a_member_of_both_tenants_sees_the_one_they_switched_to(personas, catalog):
    tenant_services.add_member(
        tenant=personas.outsider_tenant,
        user=personas.subscriber,
        roles=["subscriber"],
        actor=None,
    )
    client = Client()
    client.force_login(personas.subscriber)
    client.post(reverse("switch-tenant"), {"tenant": "globex"})
    assert listed_names(client.get(INDEX)) == {"Globex Secret"}
    assert client.get(detail_url(catalog.published)).status_code == 404
