"""Server-side request forgery guard for upstream endpoints.

The same rules run when a publisher saves an endpoint or a vendor (control plane), when the
proxy loads a deployment, and when its connector opens a socket (an address that became private
since the save cannot reach the internal network).
"""

from proxy.netguard.addresses import (
    UnsafeUpstream,
    address_problem,
    check_address,
    embedded_ipv4,
    parse_host_literal,
)
from proxy.netguard.ranges import IPV4_RANGES, IPV6_RANGES, METADATA_ADDRESSES, METADATA_HOSTS
from proxy.netguard.urls import check_url, resolve_host

__all__ = [
    "IPV4_RANGES",
    "IPV6_RANGES",
    "METADATA_ADDRESSES",
    "METADATA_HOSTS",
    "UnsafeUpstream",
    "address_problem",
    "check_address",
    "check_url",
    "embedded_ipv4",
    "parse_host_literal",
    "resolve_host",
]
