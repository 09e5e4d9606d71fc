"""The one pooled upstream client per process, with the SSRF check at connect time: once on
the resolver's answers (naming the host) and once on the very address each socket connects to
(IP literals skip the resolver). Both run once per new connection, never per pooled call."""

from __future__ import annotations

import socket

import aiohttp
from aiohappyeyeballs import AddrInfoType
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from proxy.config import ProxyConfig
from proxy.netguard import UnsafeUpstream, check_address


class RefusedAddress(OSError):
    """A host resolved to an address the gateway may not call."""


class GuardedResolver(AbstractResolver):
    """Resolves as usual, then refuses private/metadata answers (a DNS answer that changed
    since the endpoint was saved cannot reach the internal network)."""

    def __init__(self, allow_private: bool, inner: AbstractResolver | None = None) -> None:
        self._inner = inner or DefaultResolver()
        self._allow_private = allow_private

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        for result in results:
            try:
                check_address(result["host"], allow_private=self._allow_private)
            except UnsafeUpstream as exc:
                raise RefusedAddress(f"{host} resolved to a refused address: {exc}") from None
        return results

    async def close(self) -> None:
        await self._inner.close()


class GuardedSocketFactory:
    """Creates each upstream socket only for an address the gateway may call."""

    def __init__(self, allow_private: bool) -> None:
        self._allow_private = allow_private

    def __call__(self, addr_info: AddrInfoType) -> socket.socket:
        family, type_, proto, _, sockaddr = addr_info
        try:
            check_address(str(sockaddr[0]), allow_private=self._allow_private)
        except UnsafeUpstream as exc:
            raise RefusedAddress(f"refused to connect: {exc}") from None
        return socket.socket(family=family, type=type_, proto=proto)


def open_session(config: ProxyConfig) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(
        limit=config.pool_size,
        limit_per_host=config.pool_size_per_host,
        resolver=GuardedResolver(config.allow_private_upstreams),
        socket_factory=GuardedSocketFactory(config.allow_private_upstreams),
        ttl_dns_cache=config.dns_cache_seconds,
    )
    timeout = aiohttp.ClientTimeout(
        total=None, connect=config.connect_timeout, sock_read=config.read_timeout
    )
    return aiohttp.ClientSession(
        connector=connector,
        timeout=timeout,
        cookie_jar=aiohttp.DummyCookieJar(),  # never carry one tenant's cookies to another
        trust_env=False,
        auto_decompress=True,
        skip_auto_headers=("User-Agent",),
    )
