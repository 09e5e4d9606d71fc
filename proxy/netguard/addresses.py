"""Whether one IP address may be an upstream, and the literal spellings of addresses in hosts."""

from __future__ import annotations

import ipaddress
import socket

from proxy.netguard.ranges import (
    IPV6_GLOBAL_UNICAST,
    METADATA_ADDRESSES,
    IPAddress,
    SpecialRange,
    special_range,
)

# What inet_aton (and so getaddrinfo) reads as IPv4: 2130706433, 0x7f.1, 0177.0.0.1, 127.1.
_INET_ATON_CHARS = frozenset("0123456789abcdefx.")
_LOCAL_USE_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


class UnsafeUpstream(ValueError):
    """The URL or address may not be used as an upstream."""


def parse_host_literal(host: str) -> IPAddress | None:
    """The address a normalised host denotes, in any spelling the resolver would accept."""
    literal = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        return ipaddress.ip_address(literal)
    except ValueError:
        pass
    if literal and set(literal) <= _INET_ATON_CHARS:
        try:
            return ipaddress.IPv4Address(socket.inet_aton(literal))
        except OSError:
            return None
    return None


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries where its place is fixed: the /96 forms (mapped,
    translated, compatible, NAT64), 6to4 and Teredo. Local-use NAT64 places it by the
    operator's prefix length, so it is not read."""
    if address.sixtofour:
        return address.sixtofour
    if address.teredo:
        return address.teredo[1]
    if address in _LOCAL_USE_NAT64:
        return None
    return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)


def _describe(address: IPAddress, found: SpecialRange) -> str:
    text = f"{address} is in {found.network}, {found.name} ({found.reference})"
    if found.embeds_ipv4 and isinstance(address, ipaddress.IPv6Address):
        text += f", an IPv6 spelling of {embedded_ipv4(address) or 'an IPv4 address'}"
    return text


def address_problem(address: IPAddress, *, allow_private: bool) -> str | None:
    """Why an address may not be an upstream, or None when it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.scope_id:
        return f"{address} has a zone index; name the upstream by a routable address"
    if address in METADATA_ADDRESSES:
        return f"{address} is a cloud metadata address"
    found = special_range(address)
    if found is not None:
        return None if allow_private and found.private_ok else _describe(address, found)
    if address.version == 6 and address not in IPV6_GLOBAL_UNICAST:
        return f"{address} is outside IPv6 global unicast ({IPV6_GLOBAL_UNICAST}), reserved"
    return None


def check_address(address: str | IPAddress, *, allow_private: bool) -> IPAddress:
    """The parsed address, or UnsafeUpstream saying why it may not be an upstream."""
    try:
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    except ValueError:
        raise UnsafeUpstream(f"{address!r} is not an IP address") from None
    problem = address_problem(ip, allow_private=allow_private)
    if problem:
        raise UnsafeUpstream(problem)
    return ip
