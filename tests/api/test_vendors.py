"""Custom AI vendors through the REST API: create (JSON or an uploaded OpenAPI file), edit,
add a version, delete; field errors; built-in vendors read-only; in use → 409; and an API on a
custom vendor compiling into a snapshot the proxy's `custom` driver serves."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditLog, Deployment, Vendor
from core.registry.compiler import deployment_key_of
from core.registry.store import get_store
from proxy.contract import DEPLOYMENT, DeploymentSnapshot
from tests.api.conftest import MINIMAL_OPENAPI

YAML_DEFINITION = b"""\
openapi: 3.0.3
info:
  title: Echo LLM
  version: 2024-10-21
paths:
  /v1/generate:
    post:
      summary: Generate text
      responses:
        200:
          description: OK
  /v1/models:
    get:
      responses:
        200:
          description: OK
"""


def url(name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs={"tenant_slug": "acme", **kwargs})


def body(**overrides) -> dict:
    return {
        "name": "Echo LLM",
        "version": "v1",
        "description": "Our own model server",
        "base_url": "https://echo.example.com",
        "auth_scheme": "header",
        "auth_name": "Authorization",
        "auth_prefix": "Bearer ",
        "api_definition": MINIMAL_OPENAPI,
        "usage_paths": {
            "prompt_tokens": "$.meta.tokens.input",
            "completion_tokens": "$.meta.tokens.output",
            "total_tokens": "header:x-tokens-total",
            "request_model": "$.model",
            "response_model": "$.meta.model",
        },
        **overrides,
    }


@pytest.fixture
def admin(personas, client_for):
    return client_for(personas.admin)


def create(admin, **overrides) -> dict:
    response = admin.post(url("vendors"), body(**overrides), format="json")
    assert response.status_code == 201, response.content
    return response.json()


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


def test_create_from_json(admin, personas) -> None:
    vendor = create(admin)
    assert (vendor["slug"], vendor["name"], vendor["is_builtin"]) == ("echo-llm", "Echo LLM", False)
    [version] = vendor["versions"]
    assert version["driver"] == "custom"
    assert (version["auth_scheme"], version["auth_name"], version["auth_prefix"]) == (
        "header",
        "Authorization",
        "Bearer ",
    )
    assert version["usage_paths"]["total_tokens"] == "header:x-tokens-total"
    assert version["operations"] == [{"method": "POST", "path": "/generate", "summary": ""}]
    assert vendor["api_definitions"]["v1"] == MINIMAL_OPENAPI
    audit = AuditLog.objects.get(action="vendor.create")
    assert (audit.actor, audit.tenant) == (personas.admin, personas.tenant)
    assert audit.changes["operations"] == 1


def test_create_with_an_uploaded_yaml_definition(admin) -> None:
    upload = SimpleUploadedFile("openapi.yaml", YAML_DEFINITION, "application/yaml")
    response = admin.post(
        url("vendors"),
        {
            "name": "Echo",
            "version": "2024-10-21",
            "base_url": "https://echo.example.com",
            "auth_scheme": "query",
            "auth_name": "key",
            "api_definition": upload,
            "usage_paths": json.dumps({"total_tokens": "$.usage.total"}),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    vendor = response.json()
    definition = vendor["api_definitions"]["2024-10-21"]
    assert definition["info"]["version"] == "2024-10-21"  # a YAML date, stored as text
    assert definition["paths"]["/v1/generate"]["post"]["responses"] == {
        "200": {"description": "OK"}  # a YAML int key, stored as a string
    }
    version = vendor["versions"][0]
    assert (version["auth_scheme"], version["auth_name"], version["auth_prefix"]) == (
        "query",
        "key",
        "",
    )
    assert {(op["method"], op["path"]) for op in version["operations"]} == {
        ("POST", "/v1/generate"),
        ("GET", "/v1/models"),
    }


def test_yaml_text_in_a_json_body(admin) -> None:
    vendor = create(admin, api_definition=YAML_DEFINITION.decode())
    assert "/v1/models" in vendor["api_definitions"]["v1"]["paths"]


def test_every_bad_field_is_named_at_once(admin) -> None:
    response = admin.post(
        url("vendors"),
        body(
            version="bad version",
            base_url="ftp://echo.example.com",
            auth_name="",
            api_definition={"swagger": "2.0", "paths": {}},
            usage_paths={"prompt_tokens": "$.[", "cost": "$.cost"},
        ),
        format="json",
    )
    error = error_of(response, 400)
    assert error["code"] == "invalid_input"
    assert set(error["fields"]) == {
        "version",
        "base_url",
        "auth_name",
        "api_definition",
        "usage_paths.prompt_tokens",
        "usage_paths.cost",
    }
    assert "Swagger 2.0" in error["fields"]["api_definition"][0]
    assert not Vendor.objects.filter(slug="echo-llm").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"base_url": "https://echo.example.com/v1?x=1"}, "base_url", "query string"),
        ({"base_url": "https://user:pw@echo.example.com"}, "base_url", "credentials"),
        ({"auth_name": "x api key"}, "auth_name", "Name the header"),
        ({"auth_name": "Host"}, "auth_name", "set by the gateway"),
        ({"auth_prefix": "Bearer\r\nX: 1"}, "auth_prefix", "printable"),
        ({"auth_scheme": "query", "auth_name": "k", "auth_prefix": "Bearer "}, "auth_prefix", ""),
        ({"auth_scheme": "query", "auth_name": ""}, "auth_name", "query parameter"),
        ({"auth_scheme": "none", "auth_prefix": ""}, "auth_name", "No name"),
        ({"auth_scheme": "cookie"}, "auth_scheme", ""),
        ({"api_definition": "openapi: [3"}, "api_definition", "Neither JSON nor YAML"),
        ({"api_definition": ["openapi"]}, "api_definition", ""),
        ({"api_definition": "just text"}, "api_definition", "must be an object"),
        ({"api_definition": {"openapi": "3.1.0"}}, "api_definition", "no paths"),
        (
            {"api_definition": {"openapi": "3.1.0", "paths": {"/x": {"summary": "s"}}}},
            "api_definition",
            "No operation",
        ),
        (
            {"api_definition": {"openapi": "3.0.0", "paths": {"x": {"get": {}}}}},
            "api_definition",
            "start with '/'",
        ),
        ({"usage_paths": {"total_tokens": "header:"}}, "usage_paths.total_tokens", "header:"),
        ({"usage_paths": {"total_tokens": 3}}, "usage_paths.total_tokens", "JSONPath"),
        ({"usage_paths": "x"}, "usage_paths", "JSON"),
        ({"name": "   "}, "name", ""),
        ({"colour": "blue"}, "colour", "Unknown"),
    ],
)
def test_field_errors(admin, overrides, field, words) -> None:
    error = error_of(admin.post(url("vendors"), body(**overrides), format="json"), 400)
    assert field in error["fields"], error
    assert words in " ".join(error["fields"][field])


def test_private_base_url_refused_when_private_upstreams_are(admin, settings) -> None:
    settings.ALLOW_PRIVATE_UPSTREAMS = False
    response = admin.post(url("vendors"), body(base_url="https://169.254.169.254/"), format="json")
    assert "metadata" in error_of(response, 400)["fields"]["base_url"][0]


@pytest.mark.parametrize("slug", ["openai", "acme-llm"])
def test_taken_slugs_are_conflicts(admin, worlds, slug) -> None:
    error = error_of(admin.post(url("vendors"), body(slug=slug), format="json"), 409)
    assert error["code"] == "conflict" and "slug" in error["fields"]


def test_patch_edits_the_newest_version_and_switching_auth_drops_the_old_prefix(admin):
    vendor = create(admin)
    response = admin.patch(
        url("vendor", vendor_id=vendor["id"]),
        {"name": "Echo 2", "auth_scheme": "query", "auth_name": "api_key"},
        format="json",
    )
    assert response.status_code == 200, response.content
    changed = response.json()
    [version] = changed["versions"]
    assert changed["name"] == "Echo 2" and changed["slug"] == "echo-llm"
    assert (version["auth_scheme"], version["auth_name"], version["auth_prefix"]) == (
        "query",
        "api_key",
        "",
    )
    audit = AuditLog.objects.filter(action="vendor.update").get()
    assert audit.changes == {
        "version": "v1",
        "fields": ["auth_name", "auth_scheme", "name"],
    }


def test_patch_with_a_new_version_adds_it_from_the_newest(admin) -> None:
    vendor = create(admin)
    response = admin.patch(
        url("vendor", vendor_id=vendor["id"]),
        {"version": "v2", "base_url": "https://v2.echo.example.com"},
        format="json",
    )
    assert response.status_code == 200, response.content
    versions = {v["version"]: v for v in response.json()["versions"]}
    assert set(versions) == {"v1", "v2"}
    assert versions["v2"]["base_url"] == "https://v2.echo.example.com"
    assert versions["v2"]["usage_paths"] == versions["v1"]["usage_paths"]
    assert versions["v2"]["auth_prefix"] == "Bearer " and versions["v2"]["driver"] == "custom"
    assert AuditLog.objects.filter(action="vendor.version.create").count() == 1


def test_patch_errors_and_read_only_fields(admin) -> None:
    vendor = create(admin)
    detail = url("vendor", vendor_id=vendor["id"])
    assert "slug" in error_of(admin.patch(detail, {"slug": "x"}, format="json"), 400)["fields"]
    error = error_of(admin.patch(detail, {"usage_paths": {"total": "$.x"}}, format="json"), 400)
    assert set(error["fields"]) == {"usage_paths.total"}
    # A new scheme needs its own name: the header's name does not carry over to a query.
    error = error_of(admin.patch(detail, {"auth_scheme": "query"}, format="json"), 400)
    assert set(error["fields"]) == {"auth_name"}


def test_builtin_vendors_are_read_only(admin, personas, client_for) -> None:
    openai = Vendor.objects.get(slug="openai", tenant__isnull=True)
    detail = url("vendor", vendor_id=openai.pk)
    for response in (
        admin.patch(detail, {"description": "mine"}, format="json"),
        admin.patch(detail, {"base_url": "not a url"}, format="json"),  # 403 before 400
        admin.delete(detail),
    ):
        error = error_of(response, 403)
        assert error["code"] == "permission_denied" and "read-only" in error["message"]
    assert error_of(client_for(personas.creator).delete(detail), 403)["code"] == "permission_denied"
    openai.refresh_from_db()
    assert openai.description != "mine" and openai.versions.exists()


def test_a_vendor_in_use_cannot_be_deleted(admin, personas, client_for) -> None:
    vendor = create(admin)
    creator = client_for(personas.creator)
    api = creator.post(
        url("apis"),
        {"name": "Echo API", "context": "echo", "version": "1", "vendor": "echo-llm"},
        format="json",
    ).json()
    error = error_of(admin.delete(url("vendor", vendor_id=vendor["id"])), 409)
    assert error["code"] == "conflict" and "Echo API 1" in error["fields"]["vendor"][0]
    assert creator.delete(url("api", api_id=api["id"])).status_code == 204
    assert admin.delete(url("vendor", vendor_id=vendor["id"])).status_code == 204
    assert not Vendor.objects.filter(pk=vendor["id"]).exists()
    assert AuditLog.objects.get(action="vendor.delete").changes == {
        "slug": "echo-llm",
        "versions": ["v1"],
    }


def test_an_api_on_a_custom_vendor_compiles_into_a_custom_driver_snapshot(
    admin, personas, client_for, django_capture_on_commit_callbacks
) -> None:
    creator, publisher = client_for(personas.creator), client_for(personas.publisher)
    with django_capture_on_commit_callbacks(execute=True):
        create(admin, auth_name="x-echo-key", auth_prefix="Key ")
        api = creator.post(
            url("apis"),
            {"name": "Echo API", "context": "echo", "version": "1", "vendor": "echo-llm"},
            format="json",
        ).json()
        assert [e["url"] for e in api["endpoints"]] == ["https://echo.example.com"] * 2
        endpoint = url("api-endpoint", api_id=api["id"], kind="production")
        assert creator.patch(endpoint, {"api_key": "echo-secret"}, format="json").status_code == 200
        moved = publisher.post(url("api-lifecycle", api_id=api["id"]), {"state": "PUBLISHED"})
        assert moved.status_code == 200
        assert publisher.post(url("api-revisions", api_id=api["id"]), {}).status_code == 201
        deployed = publisher.post(url("api-deployments", api_id=api["id"]), {"revision": 1})
        assert deployed.status_code == 201, deployed.content

    deployment = Deployment.objects.get(api_id=api["id"])
    snapshot = DeploymentSnapshot.from_json(
        get_store().get(DEPLOYMENT, deployment_key_of(deployment))
    )
    vendor = snapshot.vendor
    assert (vendor.slug, vendor.driver, vendor.version) == ("echo-llm", "custom", "v1")
    assert (vendor.auth.scheme, vendor.auth.name, vendor.auth.prefix) == (
        "header",
        "x-echo-key",
        "Key ",
    )
    assert vendor.usage_paths == body()["usage_paths"]
    assert [(op.method, op.path) for op in snapshot.operations] == [("POST", "/generate")]
    assert snapshot.production.url == "https://echo.example.com"
