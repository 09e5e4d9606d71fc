"""Config as code: export, diff preview, idempotent apply, secret references, bad documents."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from core.config_as_code import (
    ConfigError,
    apply_document,
    dump_document,
    export_tenant,
    parse_document,
    plan_document,
    render_changes,
)
from core.models import AuditLog, Deployment
from core.secrets import key_ring
from core.services import apis, tenants, vendors
from core.services.tenants import create_tenant
from tests.core.builders import deploy, make_api, move_to

pytestmark = pytest.mark.django_db

OPENAPI = {
    "openapi": "3.0.3",
    "info": {"title": "In-house", "version": "v1"},
    "paths": {"/generate": {"post": {"responses": {"200": {"description": "OK"}}}}},
}


@pytest.fixture
def source(personas):
    """A tenant with a custom vendor, an extra environment and plan, and two APIs: one
    deployed and published with provider keys and settings, one draft on the custom vendor."""
    tenant, creator = personas.tenant, personas.admin
    vendors.create_custom_vendor(
        tenant=tenant, actor=creator, name="In-house", slug="inhouse", version="v1",
        base_url="https://llm.example.com/v1", auth_scheme="header", auth_name="x-api-key",
        api_definition=OPENAPI, usage_paths={"total_tokens": "$.usage.total_tokens"},
    )  # fmt: skip
    tenants.save_environment(tenant=tenant, actor=creator, slug="eu", name="EU", description="")
    tenants.save_plan(tenant=tenant, actor=creator, name="Trial", request_limit=10)
    chat = make_api(tenant, creator, url="https://api.openai.example/v1")
    apis.update_api(
        api=chat, actor=creator, description="Chat for all", tags=["llm"],
        backend_limits={"production": {"requests": 100}},
        gateway_settings={"system_prompt": "Be brief."},
    )  # fmt: skip
    deploy(chat, creator)
    move_to(chat, "PUBLISHED", creator)
    make_api(tenant, creator, name="Inhouse", context="inhouse", vendor="inhouse",
             url="https://llm.example.com/v1")  # fmt: skip
    return tenant


def exported(tenant) -> dict:
    return yaml.safe_load(dump_document(export_tenant(tenant)))


def with_env_keys(document: dict, env: str) -> dict:
    """What a user does before applying elsewhere: stored keys become env references."""
    for api in document["apis"]:
        for endpoint in api["endpoints"].values():
            if endpoint.get("credential", {}).get("secretRef") == "stored":
                endpoint["credential"] = {"secretRef": f"env:{env}"}
    return document


def test_export_has_no_secret_and_references_stored_keys(source):
    text = dump_document(export_tenant(source))
    assert "sk-provider-test-key" not in text
    chat = next(a for a in yaml.safe_load(text)["apis"] if a["name"] == "Chat")
    assert chat["endpoints"]["production"]["credential"] == {"secretRef": "stored"}
    assert chat["deployments"] == ["default"] and chat["lifecycle_state"] == "PUBLISHED"


def test_apply_onto_an_empty_tenant_reproduces_it_and_a_second_apply_changes_nothing(source):
    target = create_tenant(slug="copy", name="Copy")
    document = with_env_keys(exported(source), "CHAT_KEY")
    keys = {"CHAT_KEY": "sk-from-env"}
    doc = parse_document(yaml.safe_dump(document))

    changes = apply_document(target, doc, read_secret=keys.get)
    assert {(c.kind, c.action) for c in changes} >= {("api", "create"), ("vendor", "create")}

    copy, original = exported(target), exported(source)
    assert {**copy, "tenant": "acme"} == {**original, "apis": copy["apis"]}
    assert copy["apis"] == original["apis"]  # stored keys again, now in the copy
    assert plan_document(target, doc, read_secret=keys.get) == []
    assert apply_document(target, doc, read_secret=keys.get) == []
    chat = target.apis.get(name="Chat")
    assert key_ring().decrypt(chat.endpoints.get(kind="production").credential_encrypted) == (
        "sk-from-env"
    )
    served = Deployment.objects.get(api=chat, environment__slug="default")
    assert served.revision.config["gateway_settings"] == {"system_prompt": "Be brief."}


def test_exported_document_applied_back_is_no_change(source):
    doc = parse_document(dump_document(export_tenant(source)))
    assert plan_document(source, doc) == []


def test_diff_preview_lists_changes_and_apply_redeploys(source):
    document = exported(source)
    chat = next(a for a in document["apis"] if a["name"] == "Chat")
    chat["description"] = "Chat, revised"
    chat["gateway_settings"] = {"system_prompt": "Be briefer."}
    document["plans"].append({"name": "Platinum", "request_limit": 9000})
    doc = parse_document(yaml.safe_dump(document))

    preview = render_changes(plan_document(source, doc))
    assert "+ plan Platinum (create)" in preview
    assert "~ api Chat 1.0.0 (update)" in preview
    assert 'description: "Chat for all" -> "Chat, revised"' in preview
    assert 'revision: null -> "new revision deployed to default"' in preview
    assert preview.endswith("1 to create, 1 to update.\n")

    before = AuditLog.objects.count()
    apply_document(source, doc)
    served = Deployment.objects.get(api__name="Chat", environment__slug="default")
    assert served.revision.number == 2
    assert served.revision.config["gateway_settings"] == {"system_prompt": "Be briefer."}
    assert AuditLog.objects.count() > before  # every change through the audited services
    assert plan_document(source, doc) == []


def test_a_description_change_needs_no_new_revision(source):
    document = exported(source)
    next(a for a in document["apis"] if a["name"] == "Chat")["tags"] = ["llm", "chat"]
    changes = apply_document(source, parse_document(yaml.safe_dump(document)))
    assert list(changes[0].fields) == ["tags"]
    assert Deployment.objects.get(api__name="Chat").revision.number == 1


def test_removing_a_key_or_endpoint_from_the_document_removes_it(source):
    document = exported(source)
    chat = next(a for a in document["apis"] if a["name"] == "Chat")
    del chat["endpoints"]["sandbox"]
    del chat["endpoints"]["production"]["credential"]
    changes = apply_document(source, parse_document(yaml.safe_dump(document)))
    assert changes[0].fields["endpoints.sandbox"] == ("present", None)
    assert changes[0].fields["endpoints.production.credential"] == ("stored", "(none)")
    api = source.apis.get(name="Chat")
    assert [e.kind for e in api.endpoints.all()] == ["production"]
    assert api.endpoints.get().credential_encrypted == ""


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ("apis: [", None, "Not valid YAML at line 1"),
        ("- a list", None, "must be a mapping"),
        ("apis:\n- name: x\n  version: '1'\n  vendor: openai", "apis[0].context", "Field required"),
        ("apiVersion: v2", "apiVersion", "tollgate.dev/v1"),
        ("plans:\n- name: A\n  request_limit: -1", "plans[0].request_limit", "greater than"),
        ("plans:\n- name: A\n  colour: red", "plans[0].colour", "Extra inputs"),
        ("plans:\n- name: A\n- name: A", "plans", "'A' appears twice"),
        (
            "apis:\n- {name: x, version: '1', context: x, vendor: openai,\n"
            "   endpoints: {production: {url: 'https://a.example', credential: {secretRef: k}}}}",
            "apis[0].endpoints.production.credential.secretRef",
            "should match pattern",
        ),
    ],
)
def test_bad_documents_are_refused_with_field_paths(text, path, message):
    with pytest.raises(ConfigError) as refused:
        parse_document(text)
    shown = str(refused.value)
    assert message in shown
    if path:
        assert f"  {path}: " in shown


def test_service_refusals_name_the_field_and_apply_nothing(source):
    document = exported(source)
    document["plans"].append({"name": "Extra"})
    chat = next(a for a in document["apis"] if a["name"] == "Chat")
    chat["context"] = "elsewhere"
    with pytest.raises(ConfigError, match=r"apis\[0\].context: Cannot change"):
        apply_document(source, parse_document(yaml.safe_dump(document)))
    assert not source.plans.filter(name="Extra").exists()


def test_missing_secrets_are_refused_with_their_path(source):
    target = create_tenant(slug="copy", name="Copy")
    stored = parse_document(dump_document(export_tenant(source)))
    with pytest.raises(ConfigError, match=r"endpoints.production.credential: No provider key"):
        plan_document(target, stored)
    from_env = parse_document(yaml.safe_dump(with_env_keys(exported(source), "UNSET_KEY")))
    with pytest.raises(ConfigError, match="UNSET_KEY is not set"):
        plan_document(target, from_env, read_secret={}.get)
    with pytest.raises(ConfigError, match="read by `manage.py tollgate apply` only"):
        plan_document(target, from_env)  # no reader: REST refuses env references


def test_the_command_exports_diffs_and_applies(source, tmp_path: Path, monkeypatch):
    target = create_tenant(slug="copy", name="Copy")
    file = tmp_path / "acme.yaml"
    call_command("tollgate", "export", "--tenant", "acme", "-f", str(file))
    file.write_text(yaml.safe_dump(with_env_keys(yaml.safe_load(file.read_text()), "K")))
    monkeypatch.setenv("K", "sk-cli")

    def run(*args: str) -> str:
        out = StringIO()
        call_command("tollgate", *args, "--tenant", "copy", "-f", str(file), stdout=out)
        return out.getvalue()

    assert "+ api Chat 1.0.0 (create)" in run("diff")
    assert not target.apis.exists()
    assert "Applied" in run("apply")
    assert run("apply") == "No changes.\n"
    with pytest.raises(CommandError, match="No tenant 'nope'"):
        call_command("tollgate", "diff", "--tenant", "nope", "-f", str(file))


def rest_client(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def test_rest_exports_diffs_and_applies_yaml(source, personas):
    client = rest_client(personas.admin)
    base = "/api/v1/tenants/acme/config/"
    as_json = client.get(base)
    assert as_json.status_code == 200 and as_json["Content-Type"] == "application/json"
    text = client.get(base, HTTP_ACCEPT="application/yaml")
    assert yaml.safe_load(text.content) == as_json.json()
    assert text.status_code == 200 and text["Content-Type"].startswith("application/yaml")
    document = yaml.safe_load(text.content)
    document["plans"].append({"name": "Diamond", "request_limit": 1})
    body = yaml.safe_dump(document)

    diff = client.post(f"{base}diff/", body, content_type="application/yaml").json()
    assert [c["name"] for c in diff["changes"]] == ["Diamond"]
    assert diff["preview"].startswith("+ plan Diamond (create)")
    assert not source.plans.filter(name="Diamond").exists()
    applied = client.post(f"{base}apply/", body, content_type="application/yaml").json()
    assert applied["changes"][0]["fields"]["request_limit"] == {"from": None, "to": 1}
    audit = AuditLog.objects.get(action="plan.create", changes__name="Diamond")
    assert (audit.actor, audit.tenant) == (personas.admin, source)
    again = client.post(f"{base}apply/", body, content_type="application/yaml").json()
    assert again == {"changes": [], "preview": "No changes.\n"}
    pruned = client.post(f"{base}diff/?prune=true", "plans: []", content_type="text/yaml")
    assert {c["action"] for c in pruned.json()["changes"]} == {"delete"}


def test_rest_answers_bad_documents_with_field_paths(source, personas):
    client = rest_client(personas.admin)
    url = "/api/v1/tenants/acme/config/diff/"
    bad = client.post(url, "plans:\n- name: A\n  unit_seconds: 0\n", content_type="text/yaml")
    assert bad.status_code == 400
    error = bad.json()["error"]
    assert error["code"] == "invalid_config"
    assert "plans[0].unit_seconds" in error["fields"]
    document = with_env_keys(exported(source), "SECRET_KEY")
    refused = client.post(url, document, format="json").json()["error"]
    assert "read by `manage.py tollgate apply` only" in str(refused["fields"])
    assert client.post(url, "x: [", content_type="application/yaml").status_code == 400


def test_without_prune_what_the_document_leaves_out_stays(source):
    assert plan_document(source, parse_document("plans: []")) == []
    assert source.plans.exists() and source.apis.count() == 2


def test_prune_deletes_what_the_document_leaves_out(source):
    document = exported(source)
    document["apis"] = [a for a in document["apis"] if a["name"] == "Chat"]
    document["plans"] = [p for p in document["plans"] if p["name"] != "Trial"]
    document["environments"] = [e for e in document["environments"] if e["slug"] != "eu"]
    for api in document["apis"]:
        api["allowed_plans"] = [p for p in api["allowed_plans"] if p != "Trial"]
    document["vendors"] = []
    doc = parse_document(yaml.safe_dump(document))

    preview = render_changes(plan_document(source, doc, prune=True))
    for line in ("- api Inhouse 1.0.0 (delete)", "- plan Trial (delete)",
                 "- vendor inhouse (delete)", "- environment eu (delete)"):  # fmt: skip
        assert line in preview
    assert preview.endswith(", 4 to delete.\n")
    apply_document(source, doc, prune=True)
    assert list(source.apis.values_list("name", flat=True)) == ["Chat"]
    assert not source.plans.filter(name="Trial").exists()
    assert not source.environments.filter(slug="eu").exists()
    assert plan_document(source, doc, prune=True) == []


def test_prune_refusals_name_the_object_and_apply_nothing(source, personas):
    from core.services.access import create_application, subscribe

    chat = source.apis.get(name="Chat")
    app = create_application(tenant=source, owner=personas.subscriber, name="app")
    subscribe(app=app, api=chat, plan=source.plans.get(name="Gold"), actor=personas.subscriber)
    document = exported(source)
    document["apis"] = []
    with pytest.raises(ConfigError, match=r"api:Chat 1.0.0: .*subscriptions"):
        apply_document(source, parse_document(yaml.safe_dump(document)), prune=True)
    assert source.apis.count() == 2  # the deletion of Inhouse was rolled back too


def test_the_provider_headers_opt_in_is_configuration(source):
    document = exported(source)
    chat = next(a for a in document["apis"] if a["name"] == "Chat")
    assert chat["pass_provider_headers"] is False
    chat["pass_provider_headers"] = True
    doc = parse_document(yaml.safe_dump(document))
    assert "pass_provider_headers: false -> true" in render_changes(plan_document(source, doc))
    apply_document(source, doc)
    served = Deployment.objects.get(api__name="Chat", environment__slug="default")
    assert served.revision.config["pass_provider_headers"] is True
    assert plan_document(source, doc) == []


GUARD = {
    "kind": "regex_guard",
    "flow": "request",
    "operation": "/chat/completions",
    "name": "no-passwords",
    "parameters": {"pattern": "(?i)password"},
}


def test_policies_apply_in_order_redeploy_and_export_back(source):
    document = exported(source)
    chat = next(a for a in document["apis"] if a["name"] == "Chat")
    decorator = {
        "kind": "prompt_decorator",
        "parameters": {"prepend": [{"role": "system", "content": "Be kind."}]},
    }
    chat["policies"] = [GUARD, decorator]
    doc = parse_document(yaml.safe_dump(document))

    apply_document(source, doc)
    served = Deployment.objects.get(api__name="Chat", environment__slug="default")
    assert served.revision.number == 2
    assert [p["kind"] for p in served.revision.config["policies"]] == [
        "regex_guard",
        "prompt_decorator",
    ]
    assert plan_document(source, doc) == []
    again = next(a for a in exported(source)["apis"] if a["name"] == "Chat")
    assert again["policies"][0] == GUARD


def test_an_invalid_policy_is_refused_with_its_field(source):
    document = exported(source)
    chat = next(a for a in document["apis"] if a["name"] == "Chat")
    chat["policies"] = [{**GUARD, "parameters": {"pattern": "("}}]
    with pytest.raises(ConfigError, match=r"pattern: Not a valid regular expression"):
        plan_document(source, parse_document(yaml.safe_dump(document)))
