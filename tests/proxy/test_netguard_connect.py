"""The proxy refuses every spelling of tests/ssrf_corpus.py twice: when it loads a deployment
(the endpoint URL's literal check) and when its connector opens a socket — through the resolver
for host names (a DNS answer that changed since the save) and through the socket factory for
every address, IP literals included (aiohttp does not resolve those).

No packet leaves: the inner resolver is a stub, and socket creation is replaced by one that
fails loudly, so an address the guard let through shows as a test failure, not a connection.
"""

from __future__ import annotations

import asyncio
import socket
from dataclasses import replace
from unittest.mock import patch

import aiohttp
import pytest
from aiohttp.abc import AbstractResolver, ResolveResult

from proxy import upstream
from proxy.config import ProxyConfig
from proxy.contract import Endpoint
from proxy.crypto import KeyRing
from proxy.errors import GatewayError
from proxy.registry.live import _prepare_endpoint
from tests.ssrf_corpus import ADDRESSES, URLS

CONFIG = replace(
    ProxyConfig.from_env({}), allow_private_upstreams=False, allow_http_upstreams=False
)


class WouldConnect(OSError):
    """Raised instead of opening a socket the guard should have refused."""


class StubResolver(AbstractResolver):
    """Answers every name with one address, as a DNS server that changed its answer would."""

    def __init__(self, address: str) -> None:
        self.address = address

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        family = socket.AF_INET6 if ":" in self.address else socket.AF_INET
        return [
            ResolveResult(
                hostname=host, host=self.address, port=port, family=family, proto=0, flags=0
            )
        ]

    async def close(self) -> None:
        pass


def _refuse_to_open(*args, **kwargs):
    raise WouldConnect("the guard let a connection through")


def test_every_spelling_is_refused_when_a_deployment_loads() -> None:
    keyring = KeyRing((), "test-secret")
    loaded = []
    for url in URLS:
        prepared = _prepare_endpoint(Endpoint(url=url), keyring, CONFIG)
        if not (isinstance(prepared, GatewayError) and prepared.code == "upstream_address_refused"):
            loaded.append(url)
    assert loaded == []


async def _connect_error(session: aiohttp.ClientSession, url: str) -> OSError | None:
    # Patched only around the request: the event loop's own sockets exist already.
    try:
        with patch.object(socket, "socket", _refuse_to_open):
            async with session.get(url):
                return None
    except aiohttp.ClientConnectorError as exc:
        return exc.os_error


async def _through_a_name(address: str) -> OSError | None:
    session = upstream.open_session(CONFIG)
    connector = session.connector
    assert isinstance(connector, aiohttp.TCPConnector)
    connector._resolver = upstream.GuardedResolver(False, inner=StubResolver(address))
    try:
        return await _connect_error(session, "http://upstream.test/v1")
    finally:
        await session.close()


@pytest.mark.parametrize("address", ADDRESSES)
def test_a_name_resolving_to_a_refused_address_is_refused(address: str) -> None:
    error = asyncio.run(_through_a_name(address))
    assert isinstance(error, upstream.RefusedAddress), error


async def _literal(address: str) -> OSError | None:
    session = upstream.open_session(CONFIG)
    host = f"[{address}]" if ":" in address else address
    try:
        return await _connect_error(session, f"http://{host}/v1")
    finally:
        await session.close()


@pytest.mark.parametrize("address", ADDRESSES)
def test_an_address_literal_is_refused_at_the_socket(address: str) -> None:
    error = asyncio.run(_literal(address))
    assert isinstance(error, upstream.RefusedAddress), error
    assert "refused to connect" in str(error)


def test_a_public_address_reaches_the_socket() -> None:
    """The guard is not refusing everything: a public address gets as far as the socket."""
    assert isinstance(asyncio.run(_literal("1.1.1.1")), WouldConnect)
