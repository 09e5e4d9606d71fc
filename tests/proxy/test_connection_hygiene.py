"""Connections are not held for ever: header, body and keep-alive timeouts, a concurrency cap,
and a 413 the client can read for a body up to twice the limit."""

from __future__ import annotations

import socket
import time

import httpx
import orjson
import pytest

from tests.proxy.support import eventually, make_deployment, start_proxy
from tests.proxy.test_proxy_forwarding import publish

TIMEOUTS = {
    "PROXY_HEADER_TIMEOUT": "1",
    "PROXY_BODY_TIMEOUT": "1",
    "PROXY_KEEPALIVE_TIMEOUT": "1",
}


@pytest.fixture(scope="module")
def impatient_proxy(_mock_process, proxy_logs, shared_redis):
    process = start_proxy(proxy_logs, REDIS_URL=shared_redis.url, **TIMEOUTS)
    yield process
    process.stop()


def connect(proxy) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", proxy.port), timeout=20)
    return sock


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes (the socket's timeout fails the test)."""
    received = b""
    while chunk := sock.recv(65536):
        received += chunk
    return received


def test_a_connection_that_never_sends_a_request_is_closed(impatient_proxy):
    with connect(impatient_proxy) as sock:
        assert read_until_closed(sock) == b""  # closed, nothing to answer


def test_headers_that_never_complete_get_a_408(impatient_proxy):
    with connect(impatient_proxy) as sock:
        sock.sendall(b"POST /x/chat/completions HTTP/1.1\r\nHost: gateway\r\n")
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert orjson.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "request_timeout"


def test_a_body_that_stops_arriving_gets_a_408(impatient_proxy, mock, registry):
    deployment = make_deployment(mock.url)
    key = publish(registry, [impatient_proxy], deployment)
    with connect(impatient_proxy) as sock:
        sock.sendall(
            f"POST /{deployment.route}/chat/completions HTTP/1.1\r\nHost: gateway\r\n"
            f"Authorization: Bearer {key}\r\nContent-Length: 100\r\n\r\n{{".encode()
        )
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert b'"request_timeout"' in answer


def test_an_idle_kept_alive_connection_is_closed(impatient_proxy):
    with connect(impatient_proxy) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n")
        answer = read_until_closed(sock)  # the answer, then the close after 1 s idle
    assert answer.startswith(b"HTTP/1.1 200 ") and answer.count(b"HTTP/1.1") == 1


@pytest.mark.parametrize("factor", [1.5, 2.0])
def test_a_body_over_the_limit_gets_a_readable_413(proxy, mock, registry, factor):
    """A client that sends its whole body before reading (most do) must not be reset mid-send."""
    limit = 1024 * 1024
    deployment = make_deployment(mock.url, request_size_limit=limit)
    key = publish(registry, [proxy], deployment)
    body = b'{"model": "m", "input": "' + b"x" * int(limit * factor - 30) + b'"}'
    with connect(proxy) as sock:
        sock.sendall(
            f"POST /{deployment.route}/embeddings HTTP/1.1\r\nHost: gateway\r\n"
            f"Authorization: Bearer {key}\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        )
        for start in range(0, len(body), 64 * 1024):  # as a client on a real network would
            sock.sendall(body[start : start + 64 * 1024])
            time.sleep(0.005)
        answer = read_until_closed(sock)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b'"request_too_large"' in answer


def test_beyond_the_concurrency_cap_requests_are_refused_at_once(proxy_logs, shared_redis):
    capped = start_proxy(proxy_logs, REDIS_URL=shared_redis.url, PROXY_MAX_CONCURRENCY="3")
    held = [connect(capped) for _ in range(3)]
    try:
        refused = eventually(
            lambda: httpx.get(f"{capped.url}/healthz", timeout=10).status_code == 503
        )
        assert refused
    finally:
        for sock in held:
            sock.close()
        capped.stop()
    assert "Exceeded concurrency limit" in capped.log.read_text()
