"""Create AI API: provider, dependent version select, details with validation."""

from __future__ import annotations

import pytest
from django.urls import reverse

from core.errors import Conflict
from core.models import AiApi, Vendor, VendorVersion
from tests.publisher.conftest import MOCK_URL, builtin_version, make_api

CREATE = reverse("publisher:create")
DETAILS = reverse("publisher:create-details")


def details(vendor_version: VendorVersion, **overrides) -> dict:
    data = {
        "vendor_version": vendor_version.pk,
        "name": "Chat",
        "context": "{version}/chat",
        "version": "2.0.0",
        "endpoint_url": MOCK_URL,
        "description": "",
    }
    return {**data, **overrides}


@pytest.fixture
def custom_vendor(personas) -> Vendor:
    vendor = Vendor.objects.create(tenant=personas.tenant, slug="inhouse", name="In-house LLM")
    VendorVersion.objects.create(
        vendor=vendor,
        version="v2",
        driver="openai",
        base_url="https://llm.acme.test/v2",
        api_definition={"paths": {}},
    )
    return vendor


def test_list_shows_create_button_only_to_creators(client_as):
    assert b"Create AI API" in client_as("creator").get(reverse("publisher:index")).content
    assert b"Create AI API" not in client_as("publisher").get(reverse("publisher:index")).content


def test_provider_choices_are_builtin_and_own_custom(client_as, custom_vendor, personas):
    Vendor.objects.create(tenant=personas.outsider_tenant, slug="theirs", name="Globex LLM")
    content = client_as("creator").get(CREATE).content.decode()
    assert "OpenAI" in content and "Azure OpenAI" in content and "Mistral" in content
    assert "In-house LLM" in content
    assert "Globex LLM" not in content


def test_choosing_a_provider_returns_its_versions_as_a_partial(client_as, custom_vendor):
    response = client_as("creator").get(
        CREATE, {"vendor": custom_vendor.pk}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="version-field"' in content and ">v2<" in content
    assert "<html" not in content


def test_next_moves_to_details_with_endpoint_prefilled(client_as, custom_vendor):
    version = custom_vendor.versions.get()
    client = client_as("creator")
    response = client.get(
        CREATE, {"vendor": custom_vendor.pk, "vendor_version": version.pk, "next": "1"}
    )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'value="https://llm.acme.test/v2"' in page
    assert "{version}" in page  # the context tip


def test_next_without_a_version_shows_an_error(client_as):
    response = client_as("creator").get(CREATE, {"vendor": "", "next": "1"})
    assert response.status_code == 400
    assert b"This field is required" in response.content


def test_details_of_another_tenants_vendor_go_back_to_step_one(client_as, personas):
    vendor = Vendor.objects.create(tenant=personas.outsider_tenant, slug="x", name="X")
    version = VendorVersion.objects.create(
        vendor=vendor, version="1", driver="openai", base_url="https://x.test", api_definition={}
    )
    response = client_as("creator").get(DETAILS, {"vendor_version": version.pk})
    assert response.status_code == 302 and response["Location"] == CREATE


def test_create_goes_to_the_overview(client_as, personas):
    client = client_as("creator")
    response = client.post(DETAILS, details(builtin_version()))
    api = AiApi.objects.get(tenant=personas.tenant, name="Chat")
    assert response.status_code == 302
    assert response["Location"] == reverse("publisher:overview", kwargs={"api_uuid": api.uuid})
    assert api.resolved_context == "2.0.0/chat"
    overview = client.get(response["Location"]).content.decode()
    assert "Created Chat 2.0.0." in overview
    assert "/t/acme/2.0.0/chat" in overview


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"version": "not a version!"}, "version", "Use 1-30 letters"),
        ({"context": "t/reserved"}, "context", "may not start with"),
        ({"context": "a/{b}"}, "context", "Only {version} may be braced"),
        ({"endpoint_url": "ftp://example.com"}, "endpoint_url", "Refused"),
        ({"name": ""}, "name", "This field is required"),
    ],
)
def test_field_errors(client_as, overrides, field, message):
    response = client_as("creator").post(DETAILS, details(builtin_version(), **overrides))
    assert response.status_code == 400
    content = response.content.decode()
    assert f'id="id_{field}_error"' in content
    assert message in content
    assert 'aria-invalid="true"' in content


def test_duplicate_context_is_a_field_error(client_as, personas):
    make_api(
        personas.tenant, personas.creator, context="{version}/chat", version="2.0.0", name="Other"
    )
    response = client_as("creator").post(DETAILS, details(builtin_version()))
    assert response.status_code == 400
    assert "Context {version}/chat belongs to Other" in response.content.decode()


def test_unsafe_url_is_refused(client_as, settings):
    settings.ALLOW_PRIVATE_UPSTREAMS = False
    response = client_as("creator").post(DETAILS, details(builtin_version()))
    assert response.status_code == 400
    assert 'id="id_endpoint_url_error"' in response.content.decode()


def test_history_restore_gets_the_whole_page(client_as):
    response = client_as("creator").get(
        reverse("publisher:index"), HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert b"<html" in response.content
    assert "HX-Request" in response["Vary"]


def test_details_form_shows_every_error_at_once(client_as):
    client = client_as("creator")
    bad = {"name": "", "context": "t/x", "version": "bad version", "endpoint_url": "ftp://x"}
    response = client.post(DETAILS, details(builtin_version("openai"), **bad))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "context", "version", "endpoint_url"}
    assert "Please correct the 4 fields marked below." in response.content.decode()


def test_a_context_belongs_to_one_api(personas):
    first = make_api(personas.tenant, personas.creator)
    with pytest.raises(Conflict, match="Context taken"):
        make_api(personas.tenant, personas.creator, name="Another", version="9.9.9")
    second = make_api(personas.tenant, personas.creator, version="9.9.9")
    assert second.context == first.context
