"""Endpoints: URLs and write-only provider keys, with the note on how the key is sent."""

from __future__ import annotations

import re

from django.urls import reverse

from core.models import Endpoint
from core.secrets import key_ring
from tests.publisher.conftest import make_api

SECRET = "sk-very-secret-provider-key"


def url(api) -> str:
    return reverse("publisher:endpoints", kwargs={"api_uuid": api.uuid})


def post(client, api, kind="production", **fields):
    data = {"kind": kind, f"{kind}-url": "http://127.0.0.1:9/v1"}
    data.update({f"{kind}-{name}": value for name, value in fields.items()})
    return client.post(url(api), data)


def test_key_is_write_only(client_as, acme_api):
    client = client_as("creator")
    assert b"not set" in client.get(url(acme_api)).content
    response = post(client, acme_api, credential=SECRET)
    assert response.status_code == 302
    page = client.get(url(acme_api)).content.decode()
    assert "Saved the production endpoint and its new key." in page
    assert SECRET not in page
    endpoint = Endpoint.objects.get(api=acme_api, kind="production")
    assert endpoint.has_credential and SECRET not in endpoint.credential_encrypted


def test_empty_key_keeps_the_stored_one_and_clear_removes_it(client_as, acme_api):
    client = client_as("creator")
    post(client, acme_api, credential=SECRET)
    post(client, acme_api)
    assert Endpoint.objects.get(api=acme_api, kind="production").has_credential
    post(client, acme_api, clear_credential="on")
    assert not Endpoint.objects.get(api=acme_api, kind="production").has_credential


def test_new_key_and_clear_together_is_an_error(client_as, acme_api):
    response = post(client_as("creator"), acme_api, credential=SECRET, clear_credential="on")
    assert response.status_code == 400
    assert SECRET not in response.content.decode()


def test_bad_url_is_a_field_error_on_that_card(client_as, acme_api):
    client = client_as("creator")
    response = client.post(
        url(acme_api), {"kind": "sandbox", "sandbox-url": "not a url"}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert 'id="endpoint-sandbox"' in content and 'id="endpoint-production"' not in content
    assert 'id="id_sandbox-url_error"' in content


def test_htmx_save_returns_the_card_and_the_confirmation(client_as, acme_api):
    response = post(client_as("creator"), acme_api, kind="sandbox")
    assert response.status_code == 302
    response = client_as("creator").post(
        url(acme_api),
        {"kind": "sandbox", "sandbox-url": "http://127.0.0.1:9/v3"},
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    assert 'hx-swap-oob="innerHTML"' in content and "Saved the sandbox endpoint." in content


def test_remove_an_endpoint(client_as, acme_api):
    client_as("creator").post(url(acme_api), {"kind": "sandbox", "action": "remove"})
    assert not Endpoint.objects.filter(api=acme_api, kind="sandbox").exists()


def test_key_note_per_provider(client_as, personas, acme_api):
    client = client_as("creator")
    assert "“Bearer” is prepended" in client.get(url(acme_api)).content.decode()
    azure = make_api(
        personas.tenant, personas.creator, context="azure", vendor="azure-openai", name="Azure"
    )
    page = client.get(url(azure)).content.decode()
    assert "“api-key” header" in page
    assert "Azure deployment name" in page and "Azure api-version" in page


def test_azure_settings_are_saved(client_as, personas):
    azure = make_api(
        personas.tenant, personas.creator, context="azure", vendor="azure-openai", name="Azure"
    )
    post(client_as("creator"), azure, deployment="gpt4o", api_version="2024-10-21")
    endpoint = Endpoint.objects.get(api=azure, kind="production")
    assert endpoint.settings == {"deployment": "gpt4o", "api_version": "2024-10-21"}


def test_publisher_sees_but_cannot_edit(client_as, acme_api):
    page = client_as("publisher").get(url(acme_api)).content.decode()
    assert "needs the creator role" in page and "Save production endpoint" not in page


def test_without_a_stored_key_the_form_does_not_offer_to_keep_one(client_as, acme_api):
    client = client_as("creator")
    assert "Leave empty to keep" not in client.get(url(acme_api)).content.decode()
    failed = client.post(url(acme_api), {"kind": "production", "production-url": "ftp://x"})
    assert failed.status_code == 400
    assert "Leave empty to keep" not in failed.content.decode()


def test_a_typed_key_survives_a_failed_save_without_appearing_in_the_page(client_as, acme_api):
    client = client_as("creator")
    failed = post(client, acme_api, url="ftp://x", credential=SECRET)
    page = failed.content.decode()
    assert failed.status_code == 400 and SECRET not in page
    held = re.search(r'name="production-held_credential" value="([^"]+)"', page)
    assert held is not None and "The key you typed is kept" in page
    saved = post(client, acme_api, held_credential=held.group(1))
    assert saved.status_code == 302
    endpoint = Endpoint.objects.get(api=acme_api, kind="production")
    assert key_ring().decrypt(endpoint.credential_encrypted) == SECRET


def test_a_held_key_of_another_form_is_ignored(client_as, acme_api):
    client = client_as("creator")
    page = post(client, acme_api, kind="sandbox", url="ftp://x", credential=SECRET).content
    held = re.search(r'name="sandbox-held_credential" value="([^"]+)"', page.decode())
    assert held is not None
    post(client, acme_api, held_credential=held.group(1))  # onto production: not its key
    assert not Endpoint.objects.get(api=acme_api, kind="production").has_credential


def test_a_url_without_scheme_says_to_start_with_it(client_as, acme_api):
    response = post(client_as("creator"), acme_api, url="//api.example.com/v1")
    page = response.content.decode()
    assert "must start with its scheme" in page and "not missing" not in page
