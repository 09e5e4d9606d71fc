"""What the OpenAPI schema promises, checked on the schema itself, and the server keeping the
promises the fuzzer (tests/contract) can only sample: bounded pages, JSON-typed inputs, the
error envelope everywhere under /api/v1/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.api.pagination import MAX_LIMIT

APIS = "/api/v1/tenants/acme/apis/"
UPLOADS = {"tenants_vendors_upload_create", "tenants_vendors_upload_partial_update"}


@pytest.fixture
def schema(client_for) -> dict:
    return client_for(None).get(reverse("api:schema"), {"format": "json"}).json()


def operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def test_bodies_are_json_and_uploads_multipart(schema) -> None:
    for _, _, operation in operations(schema):
        content = operation.get("requestBody", {}).get("content", {})
        if operation["operationId"] in UPLOADS:
            assert list(content) == ["multipart/form-data"]
            ref = content["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
            upload = schema["components"]["schemas"][ref]["properties"]["api_definition"]
            assert upload["format"] == "binary"
        elif content:
            assert list(content) == ["application/json"], operation["operationId"]


def test_every_operation_has_a_summary_and_its_own_description(schema) -> None:
    descriptions = [op["description"] for _, _, op in operations(schema)]
    assert all(op.get("summary") for _, _, op in operations(schema))
    assert len(set(descriptions)) == len(descriptions)


def test_every_operation_declares_its_errors_in_the_envelope(schema) -> None:
    assert "Error" in schema["components"]["schemas"]
    for method, path, operation in operations(schema):
        errors = {code for code in operation["responses"] if code.startswith("4")}
        assert {"401", "429"} <= errors, (method, path)
        if "{" in path:
            assert "404" in errors, (method, path)
        if "requestBody" in operation:
            assert "400" in errors, (method, path)
        for code in errors:
            body = operation["responses"][code]["content"]["application/json"]["schema"]
            assert body == {"$ref": "#/components/schemas/Error"}


def test_plain_lists_are_arrays_and_pages_are_bounded(schema) -> None:
    plain = ("/endpoints/", "/revisions/", "/deployments/", "/keys/")
    for method, path, operation in operations(schema):
        ok = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
        if method == "GET" and path.endswith(plain):
            assert ok["schema"]["type"] == "array", path
        for parameter in operation.get("parameters", []):
            if parameter["name"] == "limit":
                assert parameter["schema"]["maximum"] == MAX_LIMIT
            if parameter["name"] == "offset":
                assert parameter["schema"]["minimum"] == 0


def test_inputs_refuse_unknown_fields_in_the_schema_too(schema) -> None:
    create = schema["components"]["schemas"]["ApiCreateInputRequest"]
    assert create["additionalProperties"] is False
    assert set(create["required"]) == {"name", "context", "version", "vendor"}
    lifecycle = schema["paths"]["/api/v1/tenants/{tenant_slug}/apis/{api_id}/lifecycle/"]
    body = lifecycle["post"]["requestBody"]
    assert body["required"] is True
    move = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert len(schema["components"]["schemas"][move]["oneOf"]) == 2


@pytest.mark.parametrize(
    "query", [{"limit": 2**63}, {"limit": 0}, {"limit": "many"}, {"offset": -1}, {"offset": 2**63}]
)
def test_out_of_bounds_pages_are_400(personas, client_for, query) -> None:
    response = client_for(personas.creator).get(APIS, query)
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == set(query)


def test_the_largest_page_is_served(personas, client_for) -> None:
    assert client_for(personas.creator).get(APIS, {"limit": MAX_LIMIT}).status_code == 200


@pytest.mark.parametrize(
    "body, field",
    [
        ({"description": 0}, "description"),
        ({"tags": ["a", 1]}, "tags"),
        ({"name": None}, "name"),
        ({"vendor": ["openai"]}, "vendor"),
    ],
)
def test_wrongly_typed_values_are_refused(personas, client_for, body, field) -> None:
    full = {"name": "T", "context": "chat", "version": "1", "vendor": "openai", **body}
    response = client_for(personas.creator).post(APIS, full, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"backend_limits": {"production": {"requests": "5"}}}, "backend_limits"),
        ({"backend_limits": {"production": {"per_hour": 5}}}, "backend_limits"),
        ({"backend_limits": []}, "backend_limits"),
        ({"request_size_limit": 2**40}, "request_size_limit"),
        ({"allowed_plans": [2**70]}, "allowed_plans"),
    ],
)
def test_malformed_api_changes_are_refused(personas, client_for, changes, field) -> None:
    client = client_for(personas.creator)
    api = client.post(
        APIS, {"name": "T", "context": "chat", "version": "1", "vendor": "openai"}, format="json"
    ).json()
    response = client.patch(f"{APIS}{api['id']}/", changes, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_an_empty_endpoint_url_is_refused(personas, client_for) -> None:
    client = client_for(personas.creator)
    api = client.post(
        APIS, {"name": "T", "context": "chat", "version": "1", "vendor": "openai"}, format="json"
    ).json()
    response = client.patch(f"{APIS}{api['id']}/endpoints/production/", {"url": ""}, format="json")
    assert response.status_code == 400
    assert "url" in response.json()["error"]["fields"]


def test_form_bodies_are_415_in_the_envelope(personas, client_for) -> None:
    response = client_for(personas.creator).post(APIS, {"name": "T"}, format="multipart")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing/",
        "/api/v1/tenants/acme/apis/abc/",
        f"/api/v1/tenants/acme/apis/{2**64}/",
        "/api/v1/tenants/acme/apis/1/endpoints/staging/",
        "/api/v1/tenants/ac me/",
    ],
)
def test_unknown_paths_answer_the_json_envelope(personas, client_for, path) -> None:
    for method in ("get", "post", "delete"):
        response = getattr(client_for(personas.creator), method)(path)
        assert response.status_code == 404, (method, path)
        assert response.json()["error"]["code"] == "not_found"


def test_a_csrf_refusal_is_the_json_envelope(personas) -> None:
    client = APIClient(enforce_csrf_checks=True)
    body = {"username": "creator1", "password": "pw-123456!"}
    refused = client.post("/api/v1/auth/session/", body, format="json")
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "permission_denied" and "CSRF" in error["message"]


def test_no_overlapping_branches_for_blank_text(schema) -> None:
    """A blank-allowed text is one string schema, not `oneOf: [text, ""]` ("" matching both)."""
    blank = {"type": "string", "maxLength": 0}
    text = str(schema)
    assert str(blank) not in text
