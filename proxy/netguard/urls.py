"""The one validator of outbound URLs: normalise, then refuse what may reach the gateway's own
network. The control plane stores what it returns; the proxy checks it again when it loads a
deployment, and its connector checks every address it connects to."""

from __future__ import annotations

import socket
import unicodedata

from yarl import URL

from proxy.netguard.addresses import UnsafeUpstream, check_address, parse_host_literal
from proxy.netguard.ranges import METADATA_HOSTS

# Characters a URL never needs and parsers disagree about: every control, format (zero-width,
# bidi) and separator character, and the backslash (a slash to browsers, not to RFC 3986).
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})


def _refuse_unsafe_characters(raw: str) -> None:
    for position, char in enumerate(raw):
        if char == "\\" or char.isspace() or unicodedata.category(char) in _REFUSED_CATEGORIES:
            name = unicodedata.name(char, f"U+{ord(char):04X}")
            raise UnsafeUpstream(f"the URL holds {name} at position {position}")


def _parse(raw: str) -> URL:
    try:
        url = URL(raw)
    except (ValueError, UnicodeError) as exc:
        raise UnsafeUpstream(f"the URL cannot be parsed ({exc})") from None
    if not url.absolute or not url.raw_host:
        if "://" not in raw:
            raise UnsafeUpstream("the URL must start with its scheme, e.g. https://")
        raise UnsafeUpstream("the URL has no host")
    return url


def _check_scheme(url: URL, *, allow_http: bool) -> None:
    if url.scheme != "https" and not (url.scheme == "http" and allow_http):
        allowed = "https or http" if allow_http else "https"
        if not url.scheme:
            raise UnsafeUpstream(f"the URL must start with its scheme ({allowed}://)")
        raise UnsafeUpstream(f"the scheme must be {allowed}, not {url.scheme}")


def _check_parts(url: URL) -> None:
    if url.raw_user is not None or url.raw_password is not None:
        raise UnsafeUpstream("credentials in the URL are not allowed; use the endpoint's key")
    if url.raw_query_string or url.raw_fragment or "#" in str(url):
        raise UnsafeUpstream("no query string or fragment: operations are appended to the URL")


def _normal_host(raw_host: str) -> str:
    """Lower case, no trailing dot, IPv4 literals in dotted decimal (0x7f.1 → 127.0.0.1)."""
    host = raw_host.lower().rstrip(".")
    if not host or "%" in host:
        # A percent sign is an escaped host or an IPv6 zone index: neither names an upstream.
        raise UnsafeUpstream(f"the host {raw_host!r} is not a plain name or address")
    literal = parse_host_literal(host)
    return host if literal is None else str(literal)


def _check_host(host: str, *, allow_private: bool) -> bool:
    """Checks the host; True when it is an address literal (nothing left to resolve)."""
    if host in METADATA_HOSTS:
        raise UnsafeUpstream(f"{host} is a cloud metadata host")
    literal = parse_host_literal(host)
    if literal is not None:
        check_address(literal, allow_private=allow_private)
        return True
    if host == "localhost" or host.endswith(".localhost"):
        check_address("127.0.0.1", allow_private=allow_private)
    return False


def check_url(url: str, *, allow_private: bool, allow_http: bool, resolve: bool = True) -> str:
    """The normalised URL, or UnsafeUpstream saying why the gateway must not call it. Resolves
    a host name unless told not to (the proxy's connector checks the addresses again)."""
    _refuse_unsafe_characters(url)
    parsed = _parse(url)
    _check_scheme(parsed, allow_http=allow_http)
    _check_parts(parsed)
    host = _normal_host(parsed.raw_host or "")
    is_literal = _check_host(host, allow_private=allow_private)
    if resolve and not is_literal and not allow_private:
        for address in resolve_host(host, parsed.port or 443):
            check_address(address, allow_private=allow_private)
    return str(parsed.with_host(host)) if host != parsed.raw_host else str(parsed)


def resolve_host(host: str, port: int) -> list[str]:
    """Addresses of a host; none when it does not resolve (the proxy checks again on connect)."""
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []
    return sorted({str(info[4][0]) for info in infos})
