"""Building upstream requests: URLs, forwarded headers, driver settings."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from proxy.providers.base import Call

# Never forwarded: hop-by-hop, framing the proxy redoes, and anything that could carry the
# caller's key or cookies to the provider.
_NOT_FORWARDED = frozenset(
    {
        "host",
        "content-length",
        "transfer-encoding",
        "connection",
        "keep-alive",
        "te",
        "trailer",
        "upgrade",
        "proxy-authorization",
        "proxy-connection",
        "accept-encoding",
        "authorization",
        "apikey",
        "api-key",
        "x-api-key",
        "x-goog-api-key",
        "cookie",
    }
)


def settings_of(call: Call) -> dict[str, Any]:
    """Vendor settings, overridden by the endpoint's own."""
    return {**call.vendor.settings, **call.endpoint.settings}


def join_url(base: str, path: str, query: str = "") -> str:
    """`base` + `path`, without doubling a version segment both carry (".../v1" + "/v1/x")."""
    base = base.rstrip("/")
    path = "/" + path.lstrip("/") if path else ""
    last_segment = base.rsplit("/", 1)[-1]
    first_segment, _, rest = path[1:].partition("/")
    if first_segment and first_segment == last_segment and "." not in last_segment:
        path = "/" + rest if rest else ""
    return f"{base}{path}?{query}" if query else base + path


def without_query_params(query: str, names: frozenset[str]) -> str:
    """The query string minus some parameters (e.g. a caller's `key`), order kept."""
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, v) for k, v in pairs if k not in names])


def forwarded_headers(call: Call) -> dict[str, str]:
    return {k: v for k, v in call.headers.items() if k not in _NOT_FORWARDED}


def json_headers(**extra: str) -> dict[str, str]:
    return {"content-type": "application/json", "accept": "application/json", **extra}
