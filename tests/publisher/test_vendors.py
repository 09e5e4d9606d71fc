"""Tenant settings › AI vendors: built-in (read-only) and custom vendors, created, edited and
deleted by admins through core.services.vendors, with its field errors on the form."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditLog, Vendor
from core.services import vendors as vendor_services
from tests.publisher.conftest import MOCK_URL, builtin_version

VENDORS = reverse("publisher:vendors")
NEW = reverse("publisher:vendor-create")
DEFINITION = """\
openapi: 3.0.3
info: {title: Echo, version: v1}
paths:
  /chat/completions:
    post: {summary: Chat, responses: {200: {description: OK}}}
"""


def edit_url(vendor: Vendor, version: str = "") -> str:
    url = reverse("publisher:vendor-edit", args=[vendor.pk])
    return f"{url}?version={version}" if version else url


def form_data(**overrides) -> dict:
    data = {
        "name": "Echo LLM",
        "slug": "",
        "version": "v1",
        "description": "Our in-house model server.",
        "base_url": MOCK_URL,
        "auth_scheme": "header",
        "auth_name": "Authorization",
        "auth_prefix": "Bearer ",
        "api_definition_text": DEFINITION,
        "usage_prompt_tokens": "$.usage.prompt_tokens",
        "usage_completion_tokens": "$.usage.completion_tokens",
        "usage_total_tokens": "header:x-total-tokens",
        "usage_request_model": "$.model",
        "usage_response_model": "",
    }
    return {**data, **overrides}


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
        auth_prefix="Bearer ",
        usage_paths={"total_tokens": "$.usage.total_tokens"},
    )


def test_list_shows_builtin_and_own_custom_vendors(client_as, echo, personas):
    vendor_services.create_custom_vendor(
        tenant=personas.outsider_tenant,
        actor=personas.outsider,
        name="Globex LLM",
        version="v1",
        base_url=MOCK_URL,
        api_definition=DEFINITION,
        auth_scheme="none",
    )
    content = client_as("admin").get(VENDORS).content.decode()
    assert "Echo LLM" in content and "Authorization: Bearer &lt;key&gt;" in content
    assert "OpenAI" in content and "Anthropic" in content and "built-in" in content
    assert "Globex LLM" not in content


def test_create_with_pasted_definition(client_as, personas):
    client = client_as("admin")
    response = client.post(NEW, form_data())
    assert response.status_code == 302 and response["Location"] == VENDORS
    vendor = personas.tenant.vendors.get(slug="echo-llm")
    version = vendor.versions.get()
    assert (version.driver, version.version, version.base_url) == ("custom", "v1", MOCK_URL)
    assert (version.auth_scheme, version.auth_name, version.auth_prefix) == (
        "header",
        "Authorization",
        "Bearer ",
    )
    assert version.usage_paths == {
        "prompt_tokens": "$.usage.prompt_tokens",
        "completion_tokens": "$.usage.completion_tokens",
        "total_tokens": "header:x-total-tokens",
        "request_model": "$.model",
    }
    assert [op["path"] for op in version.operations()] == ["/chat/completions"]
    assert "Created the custom vendor Echo LLM." in client.get(VENDORS).content.decode()
    assert AuditLog.objects.filter(tenant=personas.tenant, action="vendor.create").exists()


def test_create_with_uploaded_definition_and_query_auth(client_as, personas):
    upload = SimpleUploadedFile("openapi.yaml", DEFINITION.encode(), "application/yaml")
    data = form_data(
        api_definition_text="",
        api_definition_file=upload,
        auth_scheme="query",
        auth_name="key",
        slug="echo",
    )
    assert client_as("admin").post(NEW, data).status_code == 302
    version = personas.tenant.vendors.get(slug="echo").versions.get()
    # The prefix left in the form belongs to header auth: it is dropped, not an error.
    assert (version.auth_scheme, version.auth_name, version.auth_prefix) == ("query", "key", "")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"base_url": "ftp://llm.example.com"}, "base_url", "Refused"),
        ({"base_url": MOCK_URL + "?x=1"}, "base_url", "no query string"),
        ({"version": "not a version!"}, "version", "Use 1-30 letters"),
        ({"auth_name": "Content-Type"}, "auth_name", "is set by the gateway"),
        ({"auth_name": ""}, "auth_name", "Name the header"),
        ({"api_definition_text": ""}, "api_definition_text", "Give an OpenAPI 3 document"),
        (
            {"api_definition_text": '{"swagger": "2.0"}'},
            "api_definition_text",
            "Swagger 2.0 is not supported",
        ),
        ({"usage_prompt_tokens": "$..tokens"}, "usage_prompt_tokens", ""),
        ({"usage_total_tokens": "header:"}, "usage_total_tokens", ""),
        ({"slug": "openai"}, "slug", "is a built-in vendor"),
    ],
)
def test_field_errors_from_the_service(client_as, overrides, field, message, personas):
    response = client_as("admin").post(NEW, form_data(**overrides))
    content = response.content.decode()
    assert response.status_code == 400, content
    assert f'id="id_{field}_error"' in content
    assert message in content
    assert not personas.tenant.vendors.exists()


def test_every_bad_field_is_named_at_once(client_as):
    data = form_data(base_url="nope", version="a b", usage_completion_tokens="$[", auth_name="")
    content = client_as("admin").post(NEW, data).content.decode()
    for field in ("base_url", "version", "usage_completion_tokens", "auth_name"):
        assert f'id="id_{field}_error"' in content, field


def test_uploaded_definition_errors_land_on_the_file_field(client_as):
    upload = SimpleUploadedFile("openapi.json", b'{"openapi": "3.1.0", "paths": {}}')
    data = form_data(api_definition_text="", api_definition_file=upload)
    content = client_as("admin").post(NEW, data).content.decode()
    assert 'id="id_api_definition_file_error"' in content
    assert "The document has no paths" in content


def test_upload_and_paste_together_is_refused(client_as):
    upload = SimpleUploadedFile("openapi.yaml", DEFINITION.encode())
    data = form_data(api_definition_file=upload)
    response = client_as("admin").post(NEW, data)
    assert response.status_code == 400
    assert "Either upload a file or paste, not both." in response.content.decode()


def test_duplicate_slug_is_a_field_error(client_as, echo):
    response = client_as("admin").post(NEW, form_data())
    assert response.status_code == 400
    assert "&#x27;echo-llm&#x27; is taken." in response.content.decode()


def test_edit_keeps_the_definition_when_none_is_given(client_as, echo):
    client = client_as("admin")
    page = client.get(edit_url(echo)).content.decode()
    assert 'value="Echo LLM"' in page and "1 operation" in page
    data = form_data(name="Echo 2", api_definition_text="", auth_prefix="Token ")
    response = client.post(edit_url(echo, "v1"), data)
    assert response.status_code == 302
    echo.refresh_from_db()
    version = echo.versions.get()
    assert echo.name == "Echo 2" and version.auth_prefix == "Token "
    assert [op["path"] for op in version.operations()] == ["/chat/completions"]
    assert echo.slug == "echo-llm"  # the slug cannot change
    assert "Saved Echo 2 v1." in client.get(response["Location"]).content.decode()


def test_a_new_version_is_added_beside_the_old(client_as, echo):
    response = client_as("admin").post(
        edit_url(echo), form_data(version="v2", base_url=MOCK_URL + "/v2")
    )
    assert response.status_code == 302 and response["Location"].endswith("?version=v2")
    assert dict(echo.versions.values_list("version", "base_url")) == {
        "v1": MOCK_URL,
        "v2": MOCK_URL + "/v2",
    }


def test_a_new_version_starts_from_the_version_on_screen(client_as, echo):
    other = '{"openapi": "3.0.3", "paths": {"/v2/chat": {"post": {}}}}'
    client = client_as("admin")
    client.post(edit_url(echo), form_data(version="v2", api_definition_text=other))
    client.post(edit_url(echo, "v1"), form_data(version="v3", api_definition_text=""))
    v3 = echo.versions.get(version="v3")
    assert [op["path"] for op in v3.operations()] == ["/chat/completions"]  # v1's, not v2's


def test_renaming_onto_an_existing_version_is_refused(client_as, echo):
    vendor_services.update_custom_vendor(vendor=echo, actor=None, version="v2")
    response = client_as("admin").post(edit_url(echo, "v1"), form_data(version="v2"))
    assert response.status_code == 400
    assert "already has version v2" in response.content.decode()


def test_edit_field_errors(client_as, echo):
    response = client_as("admin").post(edit_url(echo), form_data(usage_request_model="model"))
    assert response.status_code == 400
    assert 'id="id_usage_request_model_error"' in response.content.decode()


def test_builtin_vendor_is_read_only(client_as):
    openai = builtin_version("openai").vendor
    client = client_as("admin")
    page = client.get(edit_url(openai)).content.decode()
    assert "read-only" in page and "Save vendor" not in page and "/chat/completions" in page
    response = client.post(edit_url(openai), form_data())
    assert response.status_code == 403
    assert client.post(edit_url(openai), {"action": "delete"}).status_code == 403
    assert Vendor.objects.filter(pk=openai.pk).exists()


def test_delete(client_as, echo, personas):
    client = client_as("admin")
    response = client.post(edit_url(echo), {"action": "delete"})
    assert response.status_code == 302 and response["Location"] == VENDORS
    assert not personas.tenant.vendors.exists()
    assert "Deleted the custom vendor Echo LLM." in client.get(VENDORS).content.decode()


def test_delete_refused_while_an_api_uses_it(client_as, echo, personas):
    from core.services import apis as api_services

    api_services.create_api(
        tenant=personas.tenant,
        actor=personas.creator,
        name="Echo API",
        context="echo",
        version="v1",
        vendor_version=echo.versions.get(),
    )
    response = client_as("admin").post(edit_url(echo), {"action": "delete"})
    content = response.content.decode()
    assert response.status_code == 409
    assert "Echo LLM cannot be deleted. Used by Echo API v1" in content
    assert personas.tenant.vendors.filter(pk=echo.pk).exists()


def test_other_tenants_vendor_is_not_found(client_as, personas):
    theirs = vendor_services.create_custom_vendor(
        tenant=personas.outsider_tenant,
        actor=personas.outsider,
        name="Globex LLM",
        version="v1",
        base_url=MOCK_URL,
        api_definition=DEFINITION,
        auth_scheme="none",
    )
    client = client_as("admin")
    assert client.get(edit_url(theirs)).status_code == 404
    assert client.post(edit_url(theirs), {"action": "delete"}).status_code == 404
    assert client.post(edit_url(theirs), form_data(name="Mine now")).status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Globex LLM"


def test_a_created_vendor_is_offered_by_the_create_wizard(client_as, personas):
    client_as("admin").post(NEW, form_data())
    vendor = personas.tenant.vendors.get()
    creator = client_as("creator")
    assert "Echo LLM (custom)" in creator.get(reverse("publisher:create")).content.decode()
    versions = creator.get(
        reverse("publisher:create"), {"vendor": vendor.pk}, HTTP_HX_REQUEST="true"
    )
    assert ">v1<" in versions.content.decode()
    details = creator.get(
        reverse("publisher:create-details"), {"vendor_version": vendor.versions.get().pk}
    )
    assert f'value="{MOCK_URL}"' in details.content.decode()


def test_a_good_upload_survives_a_failed_post_in_the_paste_box(client_as):
    upload = SimpleUploadedFile("openapi.yaml", DEFINITION.encode(), "application/yaml")
    data = form_data(api_definition_text="", api_definition_file=upload, base_url="ftp://x")
    content = client_as("admin").post(NEW, data).content.decode()
    assert "openapi: 3.0.3" in content and "From openapi.yaml, which you uploaded" in content
