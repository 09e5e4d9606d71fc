"""A Python client generated from the exported schema by openapi-python-client, used
unchanged: the generator prints no warning, every module it writes imports, and the
publisher's and the developer's flows of docs/rest-api.md run through it (in process, over
the WSGI application)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import httpx
import pytest

from tests.contract.conftest import exported_schema

PACKAGE = "tollgate_rest_api_client"
PASSWORD = "pw-123456!"  # the personas' (tests/conftest.py)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> ModuleType:
    """Generate the client (offline: it needs only the schema file) and import it."""
    workdir = tmp_path_factory.mktemp("client")
    schema_file = workdir / "schema.json"
    schema_file.write_text(json.dumps(exported_schema()))
    bin_dir = Path(sys.executable).parent  # its post-generation hooks run ruff from here
    result = subprocess.run(
        [str(bin_dir / "openapi-python-client"), "generate", "--path", str(schema_file),
         "--meta", "none", "--output-path", str(workdir / PACKAGE)],
        capture_output=True,
        text=True,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(workdir)},
        timeout=120,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "warning" not in output.lower() and "error" not in output.lower(), output
    sys.path.insert(0, str(workdir))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(workdir))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def test_every_generated_module_imports(generated) -> None:
    found = list(pkgutil.walk_packages(generated.__path__, PACKAGE + "."))
    for entry in found:
        importlib.import_module(entry.name)
    operations = [e.name for e in found if ".api." in e.name and not e.ispkg]
    schema = exported_schema()
    assert len(operations) == sum(len(item) for item in schema["paths"].values())


def module(name: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGE}.{name}")


class Flows:
    """The generated client's modules by short name, and clients over the WSGI app."""

    def __init__(self, wsgi_app) -> None:
        self.transport = httpx.WSGITransport(app=wsgi_app)
        self.client_module = module("client")
        self.models = module("models")

    def op(self, name: str) -> ModuleType:
        group = name.split("_", 1)[0]
        return module(f"api.{group}.{name}")

    def anonymous(self):
        return self.client_module.Client(
            base_url="http://testserver", httpx_args={"transport": self.transport}
        )

    def bearer(self, token: str):
        return self.client_module.AuthenticatedClient(
            base_url="http://testserver", token=token, httpx_args={"transport": self.transport}
        )

    def first_token(self, username: str, roles: list[str]) -> str:
        """A script's first token, from the username and password alone."""
        m = self.models
        answer = self.op("auth_token_create").sync(
            client=self.anonymous(),
            body=m.PasswordTokenInputRequest(
                username=username,
                password=PASSWORD,
                name="script",
                tenant="acme",
                access=m.AccessEnum.WRITE,
                roles=[m.RoleEnum(role) for role in roles],
            ),
        )
        assert isinstance(answer, m.NewToken), answer
        return answer.token


@pytest.fixture
def flows(generated, wsgi_app, personas) -> Flows:
    return Flows(wsgi_app)


def test_publisher_flow(flows: Flows, personas) -> None:
    m = flows.models
    creator = flows.bearer(flows.first_token("creator1", ["creator"]))
    publisher = flows.bearer(flows.first_token("publisher1", ["publisher"]))
    api = flows.op("tenants_apis_create").sync(
        "acme",
        client=creator,
        body=m.ApiCreateInputRequest(
            name="OpenAI", context="{version}/openaiapi", version="2.3.0", vendor="openai",
            tags=["chat", "gpt"],
        ),
    )  # fmt: skip
    assert isinstance(api, m.Api), api
    assert api.tags == ["chat", "gpt"] and api.route == "2.3.0/openaiapi"

    endpoint = flows.op("tenants_apis_endpoints_partial_update").sync(
        "acme",
        api.id,
        m.EndpointKindEnum.PRODUCTION,
        client=creator,
        body=m.PatchedEndpointInputRequest(api_key="sk-test"),
    )
    assert isinstance(endpoint, m.Endpoint) and endpoint.has_api_key
    endpoints = flows.op("tenants_apis_endpoints_list").sync("acme", api.id, client=creator)
    assert {e.kind for e in endpoints} == {
        m.EndpointKindEnum.PRODUCTION,
        m.EndpointKindEnum.SANDBOX,
    }

    limits = m.PatchedApiUpdateInputRequest(
        description="Chat completions",
        backend_limits=m.BackendLimitsInputRequest(
            production=m.LimitsInputRequest(requests=100, unit_seconds=60), sandbox=None
        ),
    )
    edited = flows.op("tenants_apis_partial_update").sync(
        "acme", api.id, client=creator, body=limits
    )
    assert isinstance(edited, m.Api), edited
    assert edited.backend_limits.production.requests == 100

    revision = flows.op("tenants_apis_revisions_create").sync(
        "acme", api.id, client=publisher, body=m.RevisionInputRequest(description="first")
    )
    assert isinstance(revision, m.Revision) and revision.number == 1
    moved = flows.op("tenants_apis_lifecycle_create").sync(
        "acme", api.id, client=publisher,
        body=m.LifecycleStateInputRequest(state=m.LifecycleStateEnum.PUBLISHED),
    )  # fmt: skip
    assert isinstance(moved, m.Lifecycle) and moved.state == m.LifecycleStateEnum.PUBLISHED
    deployment = flows.op("tenants_apis_deployments_create").sync(
        "acme", api.id, client=publisher,
        body=m.DeployInputRequest(revision=1, environment="default"),
    )  # fmt: skip
    assert isinstance(deployment, m.Deployment) and "2.3.0/openaiapi" in deployment.gateway_url
    deployed = flows.op("tenants_apis_deployments_list").sync("acme", api.id, client=publisher)
    assert [d.revision for d in deployed] == [1]
    revisions = flows.op("tenants_apis_revisions_list").sync("acme", api.id, client=publisher)
    assert [r.deployed_to for r in revisions] == [["default"]]
    blocked = flows.op("tenants_apis_lifecycle_create").sync(
        "acme", api.id, client=publisher, body=m.LifecycleActionInputRequest(
            action=m.LifecycleActionEnum.BLOCK
        ),
    )  # fmt: skip
    assert blocked.state == m.LifecycleStateEnum.BLOCKED


def test_developer_flow(flows: Flows, personas) -> None:
    from tests.core.builders import deploy, make_api, move_to

    m = flows.models
    api = move_to(
        make_api(personas.tenant, personas.creator, name="Chat"), "PUBLISHED", personas.publisher
    )
    deploy(api, personas.publisher)
    developer = flows.bearer(flows.first_token("subscriber1", ["subscriber"]))

    catalog = flows.op("tenants_catalog_list").sync("acme", client=developer, limit=10)
    assert isinstance(catalog, m.PaginatedCatalogApiList) and catalog.count == 1
    listed = catalog.results[0]
    plan = listed.plans[0]
    app = flows.op("tenants_applications_create").sync(
        "acme", client=developer, body=m.ApplicationInputRequest(name="bot")
    )
    assert isinstance(app, m.Application), app
    sub = flows.op("tenants_subscriptions_create").sync(
        "acme", client=developer,
        body=m.SubscribeInputRequest(application=app.id, api=listed.id, plan=plan.id),
    )  # fmt: skip
    assert isinstance(sub, m.Subscription) and sub.plan == plan.id
    key = flows.op("tenants_applications_keys_create").sync(
        "acme", app.id, client=developer,
        body=m.KeyInputRequest(key_type=m.EndpointKindEnum.PRODUCTION),
    )  # fmt: skip
    assert isinstance(key, m.NewKey) and key.key.startswith("tg_")
    keys = flows.op("tenants_applications_keys_list").sync("acme", app.id, client=developer)
    assert [k.prefix for k in keys] == [key.prefix]
    quotas = flows.op("tenants_analytics_quotas_list").sync("acme", client=developer)
    assert [q.subscription for q in quotas.results] == [sub.id]

    missing = flows.op("tenants_applications_retrieve").sync("acme", 999_999, client=developer)
    assert isinstance(missing, m.Error) and missing.error.code == "not_found"
    refused = flows.op("tenants_apis_list").sync("acme", client=developer)
    assert isinstance(refused, m.Error) and refused.error.code == "permission_denied"
