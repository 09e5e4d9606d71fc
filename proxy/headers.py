"""Which headers never cross a hop: one list for the proxy and the portal's Try Out relay.

Plain data, no HTTP client imported, so the web process can use it without aiohttp.
"""

from __future__ import annotations

# RFC 9110 §7.6.1 connection-specific fields, plus the non-standard ones clients still send.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
# Where a caller may put its key, in any vendor's spelling, and its cookies: never forwarded.
CALLER_SECRETS = frozenset(
    {"authorization", "apikey", "api-key", "x-api-key", "x-goog-api-key", "cookie"}
)
# Never forwarded upstream: the above, and what the client library or the gateway decides
# per hop (framing, compression, the target host, the request id).
DROPPED_REQUEST_HEADERS = (
    HOP_BY_HOP
    | CALLER_SECRETS
    | {"host", "content-length", "accept-encoding", "expect", "x-request-id"}
)
# Never relayed back to a client: framing the relay redoes, the upstream's cookies and its
# identity.
DROPPED_RESPONSE_HEADERS = HOP_BY_HOP | {
    "content-length",
    "content-encoding",
    "set-cookie",
    "date",
    "server",
}
# The provider account's own limits and identity: they describe the gateway's account, not the
# caller's, and the gateway's own `x-ratelimit-*` (limits.md) take their place. An API may opt
# in to passing them (`pass_provider_headers`); the gateway's own limits still win.
PROVIDER_ACCOUNT_PREFIXES = (
    "x-ratelimit-",
    "ratelimitbysize-",
    "anthropic-ratelimit-",
    "anthropic-organization-",
    "openai-organization",
    "openai-project",
    "x-ms-ratelimit-",
    "x-endpoint-monthly-call-limit",
    "x-trial-endpoint-call-",
)
# Response-header name prefixes withheld from the caller, as the relay compares them.
ACCOUNT_PREFIXES = tuple(prefix.encode() for prefix in PROVIDER_ACCOUNT_PREFIXES)
GATEWAY_LIMIT_PREFIXES = (b"x-ratelimit-",)


def withheld_when_passed(gateway_headers: list[tuple[bytes, bytes]]) -> tuple[bytes, ...]:
    """What an API that passes the provider's account headers still withholds: the provider's
    rate limits when the gateway sets its own (one set, never both)."""
    if any(name.startswith(GATEWAY_LIMIT_PREFIXES) for name, _ in gateway_headers):
        return GATEWAY_LIMIT_PREFIXES
    return ()


_REQUEST_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:-")
REQUEST_ID_MAX = 128


def connection_listed(value: str) -> frozenset[str]:
    """The header names a `Connection` header lists: hop-by-hop as well (RFC 9110 §7.6.1)."""
    return frozenset(name.strip().lower() for name in value.split(",") if name.strip())


def valid_request_id(value: str) -> bool:
    """A caller's `x-request-id` worth echoing and storing: short, printable, no separators
    that could split a log line or a header."""
    return 0 < len(value) <= REQUEST_ID_MAX and _REQUEST_ID_CHARS.issuperset(value)
