"""Endpoint URLs that would let a tenant reach the gateway's network are refused on save, in
every spelling, unless the operator allows private upstreams (the autouse fixture of
tests/conftest.py allows them; these tests turn that off)."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.models import Endpoint
from core.selectors import vendor_version_by_slug
from core.services.apis import create_api, set_endpoint
from tests.core.builders import make_api

PRIVATE_HOSTS = [
    "127.0.0.1", "2130706433", "0177.0.0.1", "017700000001", "0x7f.0.0.1", "0x7f000001",
    "127.1", "127.0.1", "127.0.0.1.", "localhost", "localhost.", "LOCALHOST", "api.localhost",
    "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[0:0:0:0:0:ffff:127.0.0.1]",
    "0.0.0.0", "0", "[::]",
    "10.0.0.1", "172.16.0.1", "192.168.1.1", "0xc0a80101", "[fc00::1]", "[fd12:3456::1]",
    "100.64.0.1", "100.127.255.254",
    "224.0.0.1", "239.255.255.250", "[ff02::1]",
    "169.254.1.1", "[fe80::1]", "[fe80::1%25eth0]",
    "198.18.0.1", "240.0.0.1", "255.255.255.255",
]  # fmt: skip
METADATA_HOSTS = [
    "169.254.169.254", "2852039166", "0xa9fea9fe", "0251.0376.0251.0376", "169.254.169.254.",
    "[::ffff:169.254.169.254]", "169.254.170.2", "[fd00:ec2::254]",
    "metadata.google.internal", "metadata.google.internal.", "metadata", "instance-data",
]  # fmt: skip
BAD_SCHEMES = [
    "ftp://1.1.1.1/v1", "file:///etc/passwd", "gopher://1.1.1.1/", "1.1.1.1/v1",
    "//1.1.1.1/v1", "javascript:alert(1)", "https:///v1",
]  # fmt: skip


@pytest.fixture
def strict(settings):
    settings.ALLOW_PRIVATE_UPSTREAMS = False
    settings.ALLOW_HTTP_UPSTREAMS = False
    return settings


@pytest.fixture
def api(personas):
    return make_api(personas.tenant, personas.creator)


def refused(api, url: str, personas) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        set_endpoint(api=api, kind="production", actor=personas.creator, url=url)
    return caught.value


@pytest.mark.parametrize("host", PRIVATE_HOSTS + METADATA_HOSTS)
def test_private_and_metadata_hosts_are_refused(strict, api, personas, host: str) -> None:
    before = Endpoint.objects.get(api=api, kind="production").url
    error = refused(api, f"https://{host}/v1", personas)
    assert error.fields["url"][0].startswith("Refused:")
    assert Endpoint.objects.get(api=api, kind="production").url == before


@pytest.mark.parametrize("host", METADATA_HOSTS)
def test_metadata_is_refused_even_when_private_upstreams_are_allowed(api, personas, host):
    refused(api, f"http://{host}/latest/meta-data/", personas)


@pytest.mark.parametrize("host", ["127.0.0.1", "10.0.0.1", "100.64.0.1", "[::1]"])
def test_private_hosts_are_allowed_when_the_operator_says_so(settings, api, personas, host):
    settings.ALLOW_PRIVATE_UPSTREAMS = True
    settings.ALLOW_HTTP_UPSTREAMS = False
    endpoint = set_endpoint(
        api=api, kind="production", actor=personas.creator, url=f"https://{host}:8443/v1"
    )
    assert endpoint.url == f"https://{host}:8443/v1"


@pytest.mark.parametrize("url", BAD_SCHEMES + ["https://user:pw@1.1.1.1/v1"])
def test_other_schemes_and_credentials_in_urls_are_refused(strict, api, personas, url) -> None:
    refused(api, url, personas)


def test_http_is_refused_unless_allowed(strict, api, personas) -> None:
    refused(api, "http://1.1.1.1/v1", personas)
    strict.ALLOW_HTTP_UPSTREAMS = True
    endpoint = set_endpoint(
        api=api, kind="production", actor=personas.creator, url="http://1.1.1.1/v1"
    )
    assert endpoint.url == "http://1.1.1.1/v1"


def test_public_https_is_accepted(strict, api, personas) -> None:
    endpoint = set_endpoint(
        api=api, kind="sandbox", actor=personas.creator, url="https://1.1.1.1/v1/"
    )
    assert endpoint.url == "https://1.1.1.1/v1"


def test_create_api_checks_the_endpoint_url(strict, personas) -> None:
    with pytest.raises(InvalidInput):
        create_api(
            tenant=personas.tenant,
            actor=personas.creator,
            name="X",
            context="x",
            version="1",
            vendor_version=vendor_version_by_slug(personas.tenant, "openai"),
            endpoint_url="https://0x7f000001/v1",
        )
