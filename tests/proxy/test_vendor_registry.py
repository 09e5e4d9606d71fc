"""A vendor added through the vendor registry alone (a package and one registry line, nothing
else): a real proxy serves and meters it, and the catalog sync writes its entry."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from core.catalog import sync_builtin_vendors
from core.models import VendorVersion
from proxy.contract import Auth, DeploymentSnapshot, Operation, Vendor
from proxy.providers.registry import builtin_catalog, driver_class, register, unregister
from tests.proxy.fake_vendor import ENTRY
from tests.proxy.fake_vendor.driver import ShoutDriver
from tests.proxy.gateways import Gateway, tokens_of
from tests.proxy.support import Process, SqliteRegistry, make_deployment, provider_key, start_proxy

SHOUT = Vendor(
    "fake-shout", "Shout", "v1", ENTRY.driver, Auth("header", "Authorization", "Bearer ")
)


@pytest.fixture(scope="module")
def shout_gateway(
    _mock_process: Process, proxy_logs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gateway]:
    """An embedded-mode proxy started by a wrapper that registers Shout first."""
    path = tmp_path_factory.mktemp("shout") / "tollgate.sqlite3"
    store = SqliteRegistry(path)
    process = start_proxy(
        proxy_logs,
        module="tests.proxy.fake_vendor.serve",
        REDIS_URL=None,  # type: ignore[arg-type]
        DATABASE_URL=f"sqlite:///{path}",
    )
    yield Gateway("embedded", process, store)
    process.stop()


@pytest.fixture
def shout_registered() -> Iterator[None]:
    register(ENTRY)
    yield
    unregister(ENTRY.driver)


def shout_deployment(mock_url: str, secret: str) -> DeploymentSnapshot:
    deployment = make_deployment(mock_url, vendor="openai", production_key=secret)
    return replace(deployment, vendor=SHOUT, operations=(Operation("POST", "/shout"),))


def test_a_vendor_in_the_registry_alone_is_served_and_metered(shout_gateway, mock):
    secret = provider_key("shout")
    deployment = shout_deployment(mock.url, secret)
    key = shout_gateway.publish(deployment)

    response = httpx.post(
        f"{shout_gateway.base_url(deployment)}/shout",
        json={"engine": "gpt-4o-mini", "text": "say hello"},
        headers={"apikey": key},
    )

    assert response.status_code == 200, response.text
    assert response.json() == {
        "shout": "HELLO FROM THE MOCK PROVIDER.",
        "upstream_request": "req_mock_upstream",  # the driver was handed the response headers
    }
    [received] = mock.requests()
    assert received["path"] == "/openai/v1/chat/completions"
    assert received["headers"]["authorization"] == f"Bearer {secret}"
    [event] = shout_gateway.metered(deployment, 1)
    assert event["model_requested"] == "gpt-4o-mini"  # named by the driver, from `engine`
    assert event["model_answered"] == "gpt-4o-mini-2024-07-18"
    prompt, completion, total = tokens_of(event)
    assert (completion, total) == (5, prompt + 5) and prompt > 0


def test_a_proxy_without_the_registry_line_cannot_serve_it(gateway, mock):
    deployment = shout_deployment(mock.url, provider_key("shout"))
    key = gateway.publish(deployment)

    response = httpx.post(
        f"{gateway.base_url(deployment)}/shout",
        json={"engine": "gpt-4o-mini", "text": "say hello"},
        headers={"apikey": key},
    )

    assert response.status_code == 502, response.text
    assert response.json()["error"]["code"] == "upstream_misconfigured"
    assert mock.requests() == []


@pytest.mark.django_db
def test_a_vendor_in_the_registry_alone_enters_the_catalog(shout_registered):
    assert driver_class("fake-shout") is ShoutDriver
    sync_builtin_vendors()
    version = VendorVersion.objects.get(vendor__slug="fake-shout", vendor__tenant=None)
    assert (version.driver, version.auth_name, version.auth_prefix) == (
        "fake-shout",
        "Authorization",
        "Bearer ",
    )
    assert [(op["method"], op["path"]) for op in version.operations()] == [("POST", "/shout")]


def test_unregistering_takes_the_vendor_out_again(shout_registered):
    unregister(ENTRY.driver)
    try:
        assert "fake-shout" not in {entry.driver for entry in builtin_catalog()}
        with pytest.raises(KeyError):
            driver_class("fake-shout")
    finally:
        register(ENTRY)
