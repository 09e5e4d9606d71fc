"""Server-side request forgery guard for upstream endpoints.

The same rules run when a publisher saves an endpoint (control plane) and when the proxy
connects (its resolver refuses addresses that became private since), so a DNS answer that
changes after the save cannot reach the internal network.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

METADATA_HOSTS = frozenset({"metadata.google.internal", "metadata", "instance-data"})
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254")
)
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeUpstream(ValueError):
    """The URL or address may not be used as an upstream."""


def parse_host_literal(host: str) -> IPAddress | None:
    """The address a host literal denotes in any spelling (decimal, octal, hex, short, v6)."""
    host = host.strip("[]").rstrip(".")
    if "%" in host:  # IPv6 zone id
        host = host.split("%", 1)[0]
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefxABCDEFX." for c in host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def address_problem(address: IPAddress) -> str | None:
    """Why an address is not a public upstream, or None when it is."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address in METADATA_ADDRESSES:
        return "a cloud metadata address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_private or not address.is_global:
        return "a private or reserved address"
    return None


def check_address(address: str | IPAddress, *, allow_private: bool) -> None:
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    problem = address_problem(ip)
    if problem == "a cloud metadata address" or (problem and not allow_private):
        raise UnsafeUpstream(f"{ip} is {problem}")


def check_url(url: str, *, allow_private: bool, allow_http: bool, resolve: bool = True) -> None:
    """Refuse URLs the gateway must not call. Resolves the host unless told not to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme != "https" and not (scheme == "http" and allow_http):
        allowed = "https or http" if allow_http else "https"
        raise UnsafeUpstream(f"the scheme must be {allowed}, not {scheme or 'missing'}")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise UnsafeUpstream("the URL has no host")
    if parts.username or parts.password:
        raise UnsafeUpstream("credentials in the URL are not allowed; use the endpoint's key")
    if host in METADATA_HOSTS:
        raise UnsafeUpstream(f"{host} is a cloud metadata host")
    literal = parse_host_literal(host)
    if literal is not None:
        check_address(literal, allow_private=allow_private)
        return
    if host == "localhost" or host.endswith(".localhost"):
        check_address("127.0.0.1", allow_private=allow_private)
    if allow_private or not resolve:
        return
    for address in resolve_host(host, parts.port or (443 if scheme == "https" else 80)):
        check_address(address, allow_private=allow_private)


def resolve_host(host: str, port: int) -> list[str]:
    """Addresses of a host; none when it does not resolve (the proxy checks again on connect)."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror:
        return []
    return sorted({str(info[4][0]) for info in infos})
