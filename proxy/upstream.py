"""The one pooled upstream client per process, with the SSRF check at connect time."""

from __future__ import annotations

import socket

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from proxy.config import ProxyConfig
from proxy.netguard import UnsafeUpstream, check_address


class RefusedAddress(OSError):
    """A host resolved to an address the gateway may not call."""


class GuardedResolver(AbstractResolver):
    """Resolves as usual, then refuses private/metadata answers (a DNS answer that changed
    since the endpoint was saved cannot reach the internal network)."""

    def __init__(self, allow_private: bool) -> None:
        self._inner = DefaultResolver()
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


def open_session(config: ProxyConfig) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(
        limit=config.pool_size,
        limit_per_host=config.pool_size_per_host,
        resolver=GuardedResolver(config.allow_private_upstreams),
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
