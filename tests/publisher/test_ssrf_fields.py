"""Every spelling of tests/ssrf_corpus.py is a field error on every outbound URL field of the
publisher portal: the endpoint cards, the create-API details, a custom vendor's base URL on
create and on edit. Nothing is stored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AiApi, Endpoint, Vendor
from core.services import vendors as vendor_services
from tests.publisher.conftest import MOCK_URL, builtin_version
from tests.publisher.test_create import DETAILS, details
from tests.publisher.test_vendors import DEFINITION, NEW, edit_url, form_data
from tests.ssrf_corpus import URLS


@pytest.fixture
def strict(settings):
    """Named last by each test, so its objects are created (on loopback) before."""
    settings.ALLOW_PRIVATE_UPSTREAMS = False
    settings.ALLOW_HTTP_UPSTREAMS = False


@pytest.fixture
def echo(personas) -> Vendor:
    return vendor_services.create_custom_vendor(
        tenant=personas.tenant,
        actor=personas.admin,
        name="Echo LLM",
        version="v1",
        base_url=MOCK_URL,
        api_definition=DEFINITION,
        auth_name="Authorization",
        usage_paths={"total_tokens": "$.usage.total_tokens"},
    )


def accepted_spellings(send, error_id: str) -> list[tuple[str, int]]:
    """The spellings not answered 400 with the field's error (the test wants none)."""
    wrong = []
    for spelling in URLS:
        response = send(spelling)
        if response.status_code != 400 or f'id="{error_id}"' not in response.content.decode():
            wrong.append((spelling, response.status_code))
    return wrong


def test_endpoint_cards_refuse_every_spelling(client_as, acme_api, strict) -> None:
    client = client_as("creator")
    target = reverse("publisher:endpoints", kwargs={"api_uuid": acme_api.uuid})

    def send(spelling: str):
        return client.post(target, {"kind": "production", "production-url": spelling})

    assert accepted_spellings(send, "id_production-url_error") == []
    assert Endpoint.objects.get(api=acme_api, kind="production").url == MOCK_URL


def test_create_details_refuse_every_spelling(client_as, personas, strict) -> None:
    client = client_as("creator")

    def send(spelling: str):
        return client.post(DETAILS, details(builtin_version(), endpoint_url=spelling))

    assert accepted_spellings(send, "id_endpoint_url_error") == []
    assert not AiApi.objects.filter(tenant=personas.tenant, name="Chat").exists()


def test_vendor_create_refuses_every_spelling(client_as, personas, strict) -> None:
    client = client_as("admin")

    def send(spelling: str):
        return client.post(NEW, form_data(base_url=spelling))

    assert accepted_spellings(send, "id_base_url_error") == []
    assert not Vendor.objects.filter(tenant=personas.tenant).exists()


def test_vendor_edit_refuses_every_spelling(client_as, echo, strict) -> None:
    client = client_as("admin")

    def send(spelling: str):
        return client.post(edit_url(echo, "v1"), form_data(base_url=spelling))

    assert accepted_spellings(send, "id_base_url_error") == []
    assert list(echo.versions.values_list("base_url", flat=True)) == [MOCK_URL]
