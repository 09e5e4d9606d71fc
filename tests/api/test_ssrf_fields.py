"""Every spelling of tests/ssrf_corpus.py is a 400 field error on every outbound URL field of the
REST API: an API's endpoint on create and on PATCH, a custom vendor's base URL on create and on
PATCH. Nothing is stored."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.models import AiApi, Endpoint, Vendor, VendorVersion
from tests.api.conftest import custom_vendor
from tests.api.test_vendors import body as vendor_body
from tests.core.builders import make_api
from tests.ssrf_corpus import URLS


def url(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs={"tenant_slug": "acme", **kwargs})


@pytest.fixture(autouse=True)
def _strict(settings):
    settings.ALLOW_PRIVATE_UPSTREAMS = False
    settings.ALLOW_HTTP_UPSTREAMS = False


def accepted_spellings(send, *fields: str) -> list[tuple[str, int]]:
    """The spellings not refused with a field error on one of `fields` (the test wants none).
    The serializer's own checks (a null character) answer under the input's name."""
    wrong = []
    for spelling in URLS:
        response = send(spelling)
        errors = response.json().get("error", {}).get("fields", {}) if response.content else {}
        if response.status_code != 400 or not set(fields) & set(errors):
            wrong.append((spelling, response.status_code))
    return wrong


def test_api_create_refuses_every_spelling(personas, client_for) -> None:
    client = client_for(personas.creator)

    def send(spelling: str):
        payload = {"name": "S", "context": "s", "version": "1", "vendor": "openai"}
        return client.post(url("apis"), {**payload, "endpoint_url": spelling}, format="json")

    assert accepted_spellings(send, "url", "endpoint_url") == []
    assert not AiApi.objects.filter(name="S").exists()


def test_endpoint_patch_refuses_every_spelling(personas, client_for) -> None:
    api = make_api(personas.tenant, personas.creator)
    before = Endpoint.objects.get(api=api, kind="production").url
    client = client_for(personas.creator)
    target = url("api-endpoint", api_id=api.pk, kind="production")

    def send(spelling: str):
        return client.patch(target, {"url": spelling}, format="json")

    assert accepted_spellings(send, "url") == []
    assert Endpoint.objects.get(api=api, kind="production").url == before


def test_vendor_create_refuses_every_spelling(personas, client_for) -> None:
    client = client_for(personas.admin)

    def send(spelling: str):
        return client.post(url("vendors"), vendor_body(base_url=spelling), format="json")

    assert accepted_spellings(send, "base_url") == []
    assert not Vendor.objects.filter(tenant=personas.tenant).exists()


def test_vendor_patch_refuses_every_spelling(personas, client_for) -> None:
    vendor = custom_vendor(personas.tenant)
    client = client_for(personas.admin)
    target = url("vendor", vendor_id=vendor.pk)

    def send(spelling: str):
        return client.patch(target, {"base_url": spelling}, format="json")

    assert accepted_spellings(send, "base_url") == []
    assert list(VendorVersion.objects.filter(vendor=vendor).values_list("base_url", flat=True)) == [
        "https://llm.example.com/v1"
    ]
