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
