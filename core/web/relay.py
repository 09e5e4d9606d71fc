"""The Try Out relay: the console's request goes from the portal to the real gateway.

The browser posts to the portal (same origin, so the proxy needs no CORS), the portal calls
the gateway URL of the API with the key the console holds, and streams the gateway's answer
back chunk by chunk. Only the API's own operations on the configured gateway are reachable:
the URL is built here, never taken from the browser.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import cache

import httpx
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse

from proxy.public import DROPPED_RESPONSE_HEADERS

# The console tells the gateway's headers apart from the portal's own with this list.
UPSTREAM_HEADERS = "X-Tryout-Upstream-Headers"
MAX_BODY_BYTES = 1_000_000


@dataclass(frozen=True)
class RelayRequest:
    method: str
    url: str
    key: str
    body: bytes
    content_type: str
    headers: tuple[tuple[str, str], ...] = ()  # e.g. the publisher console's proof


@cache
def _tls() -> ssl.SSLContext:
    """Built once: loading the CA bundle costs ~35 ms, more than the call it would serve."""
    return httpx.create_ssl_context()


def client() -> httpx.AsyncClient:
    """A client per console call; tests replace this to point at an in-process transport."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(connect=5.0, read=300.0, write=30.0, pool=5.0),
        follow_redirects=False,
        verify=_tls(),
    )


def _outgoing_headers(call: RelayRequest) -> dict[str, str]:
    headers = {
        "Authorization": f"Bearer {call.key}",
        "Accept": "application/json, text/event-stream",
        # Chunks are passed on as they come; decoding a compressed stream would delay them.
        "Accept-Encoding": "identity",
    }
    if call.body:
        headers["Content-Type"] = call.content_type or "application/json"
    headers.update(call.headers)
    return headers


def _relayed_headers(upstream: httpx.Response) -> list[tuple[str, str]]:
    return [
        (name, value)
        for name, value in upstream.headers.items()
        if name.lower() not in DROPPED_RESPONSE_HEADERS
    ]


async def relay(call: RelayRequest) -> HttpResponse | StreamingHttpResponse:
    http = client()
    request = http.build_request(
        call.method, call.url, headers=_outgoing_headers(call), content=call.body or None
    )
    try:
        upstream = await http.send(request, stream=True)
    except httpx.HTTPError as exc:
        await http.aclose()
        return _gateway_unreachable(exc)
    response = StreamingHttpResponse(
        _stream(http, upstream),
        status=upstream.status_code,
        content_type=upstream.headers.get("content-type", "application/octet-stream"),
    )
    names = []
    for name, value in _relayed_headers(upstream):
        if name.lower() != "content-type":
            response.headers[name] = value
        names.append(name.lower())
    response.headers[UPSTREAM_HEADERS] = ",".join(names)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response


async def _stream(http: httpx.AsyncClient, upstream: httpx.Response) -> AsyncIterator[bytes]:
    try:
        async for chunk in upstream.aiter_bytes():
            yield chunk
    finally:
        await upstream.aclose()
        await http.aclose()


def _gateway_unreachable(exc: httpx.HTTPError) -> HttpResponse:
    response = JsonResponse(
        {
            "error": {
                "message": f"The portal could not reach the gateway ({type(exc).__name__}).",
                "type": "tryout_relay_error",
                "code": "gateway_unreachable",
            }
        },
        status=502,
    )
    response.headers[UPSTREAM_HEADERS] = ""
    return response
