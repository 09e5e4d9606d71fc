"""Where a provider's key travels on an upstream request, as the vendor's auth settings say:
a header (with an optional prefix such as `Bearer `), a query parameter, or nowhere."""

from __future__ import annotations

from urllib.parse import quote

from proxy.contract import Auth


def place_credential(auth: Auth, credential: str, headers: dict[str, str], query: str) -> str:
    """Add the credential to `headers` (in place) or to the query; returns the query."""
    if not credential:
        return query
    if auth.scheme == "header":
        headers[auth.name.lower()] = auth.prefix + credential
    elif auth.scheme == "query":
        return with_query_param(query, auth.name, credential)
    return query


def with_query_param(query: str, name: str, value: str) -> str:
    """`query` without any `name=` pair, plus `name=value`."""
    pairs = [p for p in query.split("&") if p and p.split("=", 1)[0] != name]
    pairs.append(f"{quote(name, safe='')}={quote(value, safe='')}")
    return "&".join(pairs)
