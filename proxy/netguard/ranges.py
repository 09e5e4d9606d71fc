"""The address ranges an upstream may not be in: IANA's IPv4 and IPv6 special-purpose address
registries, the multicast blocks, and every IPv6 range that embeds an IPv4 address.

Data, not code: docs/security.md renders the same table and a test keeps the two equal.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class SpecialRange:
    network: IPNetwork
    name: str
    reference: str
    # The operator's ALLOW_PRIVATE_UPSTREAMS lifts the refusal (a model server on the LAN).
    private_ok: bool = False
    # The range carries an IPv4 address inside the IPv6 one: refused in every mode, since
    # the IPv4 address it reaches is not the one the checks see.
    embeds_ipv4: bool = False


def _r(cidr: str, name: str, reference: str, **flags: bool) -> SpecialRange:
    return SpecialRange(ipaddress.ip_network(cidr), name, reference, **flags)


# Cloud instance metadata services: never an upstream, whatever the operator allows.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "169.254.170.23", "fd00:ec2::254", "fd00:ec2::23")
)
METADATA_HOSTS = frozenset(
    {
        "metadata.google.internal",
        "metadata.goog",
        "metadata",
        "instance-data",
        "instance-data.ec2.internal",
    }
)

IPV4_RANGES: tuple[SpecialRange, ...] = (
    _r("0.0.0.0/8", "'this network'", "RFC 791"),
    _r("10.0.0.0/8", "private-use", "RFC 1918", private_ok=True),
    _r("100.64.0.0/10", "shared (carrier-grade NAT)", "RFC 6598", private_ok=True),
    _r("127.0.0.0/8", "loopback", "RFC 1122", private_ok=True),
    _r("169.254.0.0/16", "link-local", "RFC 3927", private_ok=True),
    _r("172.16.0.0/12", "private-use", "RFC 1918", private_ok=True),
    _r("192.0.0.0/24", "IETF protocol assignments", "RFC 6890"),
    _r("192.0.2.0/24", "documentation (TEST-NET-1)", "RFC 5737"),
    _r("192.31.196.0/24", "AS112-v4", "RFC 7535"),
    _r("192.52.193.0/24", "AMT", "RFC 7450"),
    _r("192.88.99.0/24", "deprecated 6to4 relay anycast", "RFC 7526"),
    _r("192.168.0.0/16", "private-use", "RFC 1918", private_ok=True),
    _r("192.175.48.0/24", "direct delegation AS112", "RFC 7534"),
    _r("198.18.0.0/15", "benchmarking", "RFC 2544"),
    _r("198.51.100.0/24", "documentation (TEST-NET-2)", "RFC 5737"),
    _r("203.0.113.0/24", "documentation (TEST-NET-3)", "RFC 5737"),
    _r("224.0.0.0/4", "multicast", "RFC 5771"),
    _r("240.0.0.0/4", "reserved", "RFC 1112"),
    _r("255.255.255.255/32", "limited broadcast", "RFC 919"),
)

IPV6_RANGES: tuple[SpecialRange, ...] = (
    _r("::1/128", "loopback", "RFC 4291", private_ok=True),
    _r("::/128", "unspecified", "RFC 4291"),
    _r("::ffff:0:0/96", "IPv4-mapped", "RFC 4291", embeds_ipv4=True),
    _r("::ffff:0:0:0/96", "IPv4-translated", "RFC 2765", embeds_ipv4=True),
    _r("::/96", "IPv4-compatible", "RFC 4291", embeds_ipv4=True),
    _r("64:ff9b::/96", "NAT64 well-known prefix", "RFC 6052", embeds_ipv4=True),
    _r("64:ff9b:1::/48", "local-use NAT64", "RFC 8215", embeds_ipv4=True),
    _r("100::/64", "discard-only", "RFC 6666"),
    _r("100:0:0:1::/64", "dummy IPv6 prefix", "RFC 9780"),
    _r("2001::/32", "Teredo", "RFC 4380", embeds_ipv4=True),
    _r("2001:1::1/128", "PCP anycast", "RFC 7723"),
    _r("2001:1::2/128", "TURN anycast", "RFC 8155"),
    _r("2001:1::3/128", "DNS-SD service registration anycast", "RFC 9665"),
    _r("2001:2::/48", "benchmarking", "RFC 5180"),
    _r("2001:3::/32", "AMT", "RFC 7450"),
    _r("2001:4:112::/48", "AS112-v6", "RFC 7535"),
    _r("2001:10::/28", "ORCHID (deprecated)", "RFC 4843"),
    _r("2001:20::/28", "ORCHIDv2", "RFC 7343"),
    _r("2001:30::/28", "drone remote ID tags", "RFC 9374"),
    _r("2001::/23", "IETF protocol assignments", "RFC 2928"),
    _r("2001:db8::/32", "documentation", "RFC 3849"),
    _r("2002::/16", "6to4", "RFC 3056", embeds_ipv4=True),
    _r("2620:4f:8000::/48", "direct delegation AS112", "RFC 7534"),
    _r("3fff::/20", "documentation", "RFC 9637"),
    _r("5f00::/16", "segment routing SIDs", "RFC 9602"),
    _r("fc00::/7", "unique-local", "RFC 4193", private_ok=True),
    _r("fe80::/10", "link-local", "RFC 4291", private_ok=True),
    _r("fec0::/10", "site-local (deprecated)", "RFC 3879", private_ok=True),
    _r("ff00::/8", "multicast", "RFC 4291"),
)

# Everything outside IPv6 global unicast that the table above does not name is reserved.
IPV6_GLOBAL_UNICAST = ipaddress.ip_network("2000::/3")


def _most_specific_first(ranges: tuple[SpecialRange, ...]) -> tuple[SpecialRange, ...]:
    return tuple(sorted(ranges, key=lambda r: -r.network.prefixlen))


LOOKUP_V4 = _most_specific_first(IPV4_RANGES)
LOOKUP_V6 = _most_specific_first(IPV6_RANGES)


def special_range(address: IPAddress) -> SpecialRange | None:
    """The most specific special-purpose range holding the address, if any."""
    for candidate in LOOKUP_V4 if address.version == 4 else LOOKUP_V6:
        if address in candidate.network:
            return candidate
    return None
