"""Building upstream requests: URLs, forwarded headers, driver settings."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode

from proxy.headers import DROPPED_REQUEST_HEADERS
from proxy.providers.base import Call


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
    return {k: v for k, v in call.headers.items() if k not in DROPPED_REQUEST_HEADERS}


def json_headers(**extra: str) -> dict[str, str]:
    return {"content-type": "application/json", "accept": "application/json", **extra}
