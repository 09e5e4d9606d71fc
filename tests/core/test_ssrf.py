"""Outbound URLs that would let a tenant reach the gateway's network are refused on save, in
every spelling of tests/ssrf_corpus.py, unless the operator allows private upstreams (the
autouse fixture of tests/conftest.py allows them; these tests turn that off). What is stored is
the normalised URL the checks saw."""

from __future__ import annotations

import contextlib
import ipaddress
from pathlib import Path

import pytest

from core.errors import InvalidInput
from core.models import Endpoint
from core.selectors import vendor_version_by_slug
from core.services.apis import create_api, set_endpoint
from core.services.validation import clean_endpoint_url
from proxy.netguard import IPV4_RANGES, IPV6_RANGES, UnsafeUpstream, check_url
from proxy.netguard.addresses import parse_host_literal
from tests.core.builders import make_api
from tests.ssrf_corpus import ACCEPTED, ALWAYS_REFUSED, CORPUS, URLS

SECURITY_DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


@pytest.fixture
def strict(settings):
    settings.ALLOW_PRIVATE_UPSTREAMS = False
    settings.ALLOW_HTTP_UPSTREAMS = False
    return settings


@pytest.fixture
def api(personas):
    return make_api(personas.tenant, personas.creator)


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 120 and len(set(URLS)) == len(URLS)


def test_every_spelling_is_refused_by_the_validator(strict) -> None:
    accepted = []
    for url in URLS:
        try:
            accepted.append((url, clean_endpoint_url(url)))
        except InvalidInput as error:
            assert error.fields["url"][0].startswith("Refused: ")
    assert accepted == []


def test_every_spelling_is_refused_on_save_and_nothing_is_stored(strict, api, personas) -> None:
    before = Endpoint.objects.get(api=api, kind="production").url
    stored = []
    for url in URLS:
        try:
            set_endpoint(api=api, kind="production", actor=personas.creator, url=url)
            stored.append(url)
        except InvalidInput:
            pass
    assert stored == []
    assert Endpoint.objects.get(api=api, kind="production").url == before


def test_ipv4_embedding_metadata_and_reserved_are_refused_even_when_private_is_allowed(
    settings,
) -> None:
    settings.ALLOW_PRIVATE_UPSTREAMS = True
    settings.ALLOW_HTTP_UPSTREAMS = False
    accepted = []
    for url in ALWAYS_REFUSED:
        with contextlib.suppress(InvalidInput):
            accepted.append(clean_endpoint_url(url))
    assert accepted == []


@pytest.mark.parametrize(("url", "address"), [entry for entry in CORPUS if entry[1]])
def test_hosts_normalise_to_the_address_they_denote(url: str, address: str) -> None:
    from yarl import URL

    host = (URL(url).raw_host or "").lower().rstrip(".")
    if host.endswith("localhost"):
        assert address == "127.0.0.1"
    else:
        assert parse_host_literal(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://[::127.0.0.1]/", "IPv4-compatible (RFC 4291), an IPv6 spelling of 127.0.0.1"),
        ("https://[::ffff:0:7f00:1]/", "IPv4-translated (RFC 2765), an IPv6 spelling of 127.0.0.1"),
        ("https://[64:ff9b::a9fe:a9fe]/", "NAT64 well-known prefix (RFC 6052), an IPv6 spelling"),
        ("https://[2002:7f00:1::]/", "6to4 (RFC 3056), an IPv6 spelling of 127.0.0.1"),
        ("https://[2001:10::1]/", "ORCHID (deprecated) (RFC 4843)"),
        ("https://127.0.0.1 /v1", "the URL holds SPACE at position 17"),
        ("https://127.0.0.1\n.example.com", "the URL holds U+000A at position 17"),
        ("https://0x7f.1/", "127.0.0.1 is in 127.0.0.0/8, loopback (RFC 1122)"),
    ],
)
def test_refusals_say_why(strict, url: str, reason: str) -> None:
    with pytest.raises(UnsafeUpstream) as caught:
        check_url(url, allow_private=False, allow_http=False, resolve=False)
    assert reason in str(caught.value)


@pytest.mark.parametrize(("url", "normalised"), ACCEPTED)
def test_public_urls_are_stored_normalised(strict, api, personas, url, normalised) -> None:
    endpoint = set_endpoint(api=api, kind="sandbox", actor=personas.creator, url=url)
    assert endpoint.url == normalised


@pytest.mark.parametrize("host", ["127.0.0.1", "10.0.0.1", "100.64.0.1", "[::1]", "[fd12::1]"])
def test_private_hosts_are_allowed_when_the_operator_says_so(settings, api, personas, host):
    settings.ALLOW_PRIVATE_UPSTREAMS = True
    settings.ALLOW_HTTP_UPSTREAMS = False
    endpoint = set_endpoint(
        api=api, kind="production", actor=personas.creator, url=f"https://{host}:8443/v1"
    )
    assert endpoint.url == f"https://{host}:8443/v1"


def test_http_is_refused_unless_allowed(strict, api, personas) -> None:
    with pytest.raises(InvalidInput):
        set_endpoint(api=api, kind="production", actor=personas.creator, url="http://1.1.1.1/v1")
    strict.ALLOW_HTTP_UPSTREAMS = True
    endpoint = set_endpoint(
        api=api, kind="production", actor=personas.creator, url="http://1.1.1.1/v1"
    )
    assert endpoint.url == "http://1.1.1.1/v1"


def test_create_api_checks_the_endpoint_url(strict, personas) -> None:
    with pytest.raises(InvalidInput):
        create_api(
            tenant=personas.tenant,
            actor=personas.creator,
            name="X",
            context="x",
            version="1",
            vendor_version=vendor_version_by_slug(personas.tenant, "openai"),
            endpoint_url="https://[64:ff9b::7f00:1]/v1",
        )


def test_the_security_page_lists_every_refused_range() -> None:
    page = SECURITY_DOC.read_text()
    for special in (*IPV4_RANGES, *IPV6_RANGES):
        row = f"| `{special.network}` | {special.name} | {special.reference} |"
        assert row in page, f"docs/security.md lacks the row {row}"
