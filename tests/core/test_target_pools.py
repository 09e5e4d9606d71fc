"""Target pools on the control plane: services, compiled snapshots, REST, config as code."""

from __future__ import annotations

import json

import pytest
import yaml
from django.urls import reverse
from rest_framework.test import APIClient

from core.config_as_code import apply_document, dump_document, export_tenant, parse_document
from core.config_as_code import plan_document as plan_config
from core.errors import InvalidInput
from core.registry.compiler import compile_deployment
from core.secrets import key_ring
from core.selectors import vendor_version_by_slug
from core.services import apis, targets
from core.services.tenants import create_tenant
from proxy.public import contract
from tests.core.builders import deploy, make_api, move_to

pytestmark = pytest.mark.django_db
BACKUP = "https://backup.example.com/v1"
CLAUDE = "https://api.anthropic.example"


@pytest.fixture
def api(personas):
    api = make_api(personas.tenant, personas.admin, url="https://api.openai.example/v1")
    apis.update_api(api=api, actor=personas.admin, api_type="unified")
    return move_to(api, "PUBLISHED", personas.admin)


def add_backup(api, actor, **changes):
    values = {"url": BACKUP, "credential": "sk-backup-secret", **changes}
    return targets.save_target(api=api, kind="production", name="backup", actor=actor, **values)


def test_an_api_without_targets_compiles_exactly_as_before(api, personas):
    snapshot = compile_deployment(deploy(api, personas.admin), 1)
    assert snapshot is not None
    assert (snapshot.production_pool, snapshot.sandbox_pool, snapshot.routing) == ((), (), {})
    assert snapshot.production is not None


def test_targets_compile_into_the_pool_after_the_endpoint(api, personas):
    add_backup(api, personas.admin, weight=3, priority=1, model="gpt-4o")
    claude = vendor_version_by_slug(personas.tenant, "anthropic")
    targets.save_target(
        api=api, kind="production", name="claude", actor=personas.admin, url=CLAUDE,
        credential="sk-ant-secret", vendor_version=claude, priority=2,
    )  # fmt: skip
    targets.set_routing(api=api, actor=personas.admin, routing={"strategy": "latency"})

    snapshot = compile_deployment(deploy(api, personas.admin), 1)
    assert snapshot is not None
    assert [t.name for t in snapshot.production_pool] == ["primary", "backup", "claude"]
    primary, backup, other = snapshot.production_pool
    assert primary.endpoint == snapshot.production and primary.vendor is None
    assert (backup.weight, backup.priority, backup.model) == (3, 1, "gpt-4o")
    assert key_ring().decrypt(backup.endpoint.credential) == "sk-backup-secret"
    assert other.vendor is not None and other.vendor.driver == "anthropic"
    assert snapshot.sandbox_pool == ()
    assert snapshot.routing == {"strategy": "latency"}
    assert contract.DeploymentSnapshot.from_json(snapshot.to_json()) == snapshot


def test_an_old_snapshot_without_pools_still_loads(api, personas):
    snapshot = compile_deployment(deploy(api, personas.admin), 1)
    assert snapshot is not None
    raw = json.loads(snapshot.to_json())
    for name in ("production_pool", "sandbox_pool", "routing"):
        del raw[name]
    loaded = contract.DeploymentSnapshot.from_json(json.dumps(raw))
    assert loaded.production_pool == () and loaded.routing == {}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "primary"}, "name"),
        ({"name": "has space"}, "name"),
        ({"weight": -1}, "weight"),
        ({"priority": 101}, "priority"),
        ({"url": "api.example.com/v1"}, "url"),
    ],
)
def test_bad_targets_are_refused_with_the_field(api, personas, changes, field):
    values = {"name": "backup", "url": BACKUP, **changes}
    with pytest.raises(InvalidInput) as refused:
        targets.save_target(api=api, kind="production", actor=personas.admin, **values)
    assert field in refused.value.fields


def test_a_scheme_less_url_says_what_to_type(api, personas):
    with pytest.raises(InvalidInput) as refused:
        add_backup(api, personas.admin, url="//backup.example.com/v1")
    assert "must start with its scheme" in refused.value.fields["url"][0]


def test_another_vendor_needs_an_openai_compatible_api(personas):
    native = make_api(personas.tenant, personas.admin, name="Native", context="native")
    claude = vendor_version_by_slug(personas.tenant, "anthropic")
    with pytest.raises(InvalidInput) as refused:
        add_backup(native, personas.admin, vendor_version=claude)
    assert "vendor" in refused.value.fields


def test_a_side_without_an_endpoint_takes_no_target(api, personas):
    apis.set_endpoint(api=api, kind="sandbox", actor=personas.admin, url=None)
    with pytest.raises(InvalidInput):
        targets.save_target(api=api, kind="sandbox", name="b", actor=personas.admin, url=BACKUP)


def test_routing_settings_are_checked_and_stored_without_defaults(api, personas):
    targets.set_routing(
        api=api, actor=personas.admin, routing={"strategy": "weighted", "max_attempts": 2}
    )
    assert api.routing == {"max_attempts": 2}
    with pytest.raises(InvalidInput) as refused:
        targets.set_routing(api=api, actor=personas.admin, routing={"strategy": "dice"})
    assert "strategy" in refused.value.fields["routing"][0]


def rest(personas) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=personas.admin)
    return client


def test_rest_adds_a_target_and_never_returns_its_key(api, personas):
    client, slug = rest(personas), personas.tenant.slug
    url = reverse(
        "api:api-target",
        kwargs={"tenant_slug": slug, "api_id": api.pk, "kind": "production", "name": "claude"},
    )
    response = client.patch(
        url,
        {"url": CLAUDE, "api_key": "sk-ant-secret", "vendor": "anthropic", "priority": 1},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["vendor"] == "anthropic" and response.json()["has_api_key"] is True
    listed = client.get(reverse("api:api-targets", kwargs={"tenant_slug": slug, "api_id": api.pk}))
    assert [(t["kind"], t["name"]) for t in listed.json()] == [
        ("production", "primary"), ("production", "claude"), ("sandbox", "primary"),
    ]  # fmt: skip
    assert listed.json()[1]["health"]["state"] in {"closed", "unknown"}
    client.post(reverse("api:api-revisions", kwargs={"tenant_slug": slug, "api_id": api.pk}), {})
    revisions = client.get(
        reverse("api:api-revisions", kwargs={"tenant_slug": slug, "api_id": api.pk})
    )
    for body in (listed.content, response.content, revisions.content):
        assert b"sk-ant-secret" not in body
    config = revisions.json()[0]["config"]
    assert config["pools"]["production"][1]["endpoint"]["has_api_key"] is True
    assert b"gAAAA" not in revisions.content  # no encrypted key either


def test_rest_routing_patch_changes_what_it_names(api, personas):
    client = rest(personas)
    url = reverse("api:api-routing", kwargs={"tenant_slug": personas.tenant.slug, "api_id": api.pk})
    assert client.get(url).json()["strategy"] == "weighted"
    changed = client.patch(url, {"strategy": "sticky", "retry_on": ["5xx"]}, format="json")
    assert changed.status_code == 200
    assert client.patch(url, {"max_attempts": 2}, format="json").json()["retry_on"] == ["5xx"]
    refused = client.patch(url, {"strategy": "dice"}, format="json")
    assert refused.status_code == 400 and "strategy" in refused.json()["error"]["fields"]


def test_rest_shows_a_circuit_the_proxies_opened(api, personas, fresh_redis, settings):
    # the production shape: circuits shared through Redis (the embedded run starts its own)
    settings.REDIS_URL = fresh_redis.url
    settings.TOLLGATE_REDIS_PREFIX = fresh_redis.names.prefix
    add_backup(api, personas.admin)
    names = fresh_redis.names
    key = contract.target_key(personas.tenant.pk, api.pk, "production", "backup")
    with fresh_redis.client() as client:
        client.hset(names.circuits_open, key, "9999999999.0")
    url = reverse("api:api-targets", kwargs={"tenant_slug": personas.tenant.slug, "api_id": api.pk})
    rows = {r["name"]: r for r in rest(personas).get(url).json() if r["kind"] == "production"}
    assert rows["backup"]["health"]["state"] == "open"
    assert rows["primary"]["health"]["state"] == "closed"


def test_config_as_code_round_trips_targets_and_routing(api, personas, monkeypatch):
    add_backup(api, personas.admin, weight=2, model="gpt-4o")
    targets.set_primary(api=api, kind="production", actor=personas.admin, weight=3)
    targets.set_routing(api=api, actor=personas.admin, routing={"strategy": "least_busy"})
    text = dump_document(export_tenant(personas.tenant))
    assert "sk-backup-secret" not in text
    chat = yaml.safe_load(text)["apis"][0]
    assert chat["routing"] == {"strategy": "least_busy"}
    assert chat["endpoints"]["production"]["weight"] == 3
    (backup,) = chat["targets"]["production"]
    assert backup["credential"] == {"secretRef": "stored"} and backup["weight"] == 2
    assert plan_config(personas.tenant, parse_document(text)) == []

    copy = create_tenant(slug="copy", name="Copy")
    for endpoint in chat["endpoints"].values():
        endpoint["credential"] = {"secretRef": "env:KEY"}
    backup["credential"] = {"secretRef": "env:KEY"}
    doc = parse_document(yaml.safe_dump({**yaml.safe_load(text), "apis": [chat]}))
    apply_document(copy, doc, read_secret={"KEY": "sk-env"}.get)
    copied = copy.apis.get()
    assert copied.routing == {"strategy": "least_busy"}
    assert copied.endpoints.get(kind="production").weight == 3
    target = copied.targets.get()
    assert (target.name, target.weight, target.model) == ("backup", 2, "gpt-4o")
    assert key_ring().decrypt(target.credential_encrypted) == "sk-env"
    assert apply_document(copy, doc, read_secret={"KEY": "sk-env"}.get) == []

    chat.pop("targets")
    doc = parse_document(yaml.safe_dump({**yaml.safe_load(text), "apis": [chat]}))
    apply_document(copy, doc, read_secret={"KEY": "sk-env"}.get)
    assert not copied.targets.exists()
