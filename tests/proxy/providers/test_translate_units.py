"""Smaller behaviours of the translation layer that golden files do not show well."""

from __future__ import annotations

import json

import pytest

from proxy.errors import GatewayError
from proxy.providers.common.upstream import join_url, without_query_params
from proxy.providers.registry import driver_class
from proxy.sse import iter_events, parse_event
from tests.proxy.providers.golden import FIXTURES, make_call, run_stream, sse_view

STREAM = {"model": "m", "messages": [{"role": "user", "content": "Hi"}], "stream": True}


@pytest.mark.parametrize(
    ("base", "path", "query", "url"),
    [
        ("https://api.anthropic.com", "/v1/messages", "", "https://api.anthropic.com/v1/messages"),
        (
            "https://api.anthropic.com/v1/",
            "/v1/messages",
            "",
            "https://api.anthropic.com/v1/messages",
        ),
        (
            "https://gw.example/anthropic",
            "/v1/messages",
            "a=1",
            "https://gw.example/anthropic/v1/messages?a=1",
        ),
        ("https://api.cohere.com/v2", "/v2/chat", "", "https://api.cohere.com/v2/chat"),
        (
            "http://127.0.0.1:20001/gemini",
            "/v1beta/models/g:x",
            "",
            "http://127.0.0.1:20001/gemini/v1beta/models/g:x",
        ),
    ],
)
def test_join_url_never_doubles_the_version(base: str, path: str, query: str, url: str) -> None:
    assert join_url(base, path, query) == url


def test_callers_key_query_parameter_is_dropped() -> None:
    assert without_query_params("alt=sse&key=abc&x=1", frozenset({"key"})) == "alt=sse&x=1"


def test_sse_parsing_handles_crlf_comments_and_multiline_data() -> None:
    event = parse_event(b': keep-alive\r\nevent: delta\r\ndata: {"a":\r\ndata: 1}\r\n\r\n')
    assert event.event == "delta" and json.loads(event.data) == {"a": 1}
    assert list(iter_events(b"data: 1\r\n\r\ndata: 2\n\n")) == [b"data: 1", b"data: 2"]


@pytest.mark.parametrize("vendor", ["anthropic", "gemini", "cohere"])
def test_unified_surface_refuses_operations_the_vendor_lacks(vendor: str) -> None:
    call = make_call(vendor, payload={"model": "m", "input": "x"}, operation="/embeddings")
    with pytest.raises(GatewayError) as raised:
        driver_class(vendor)(call).build_request()
    assert raised.value.code == "operation_not_supported" and raised.value.status == 404


@pytest.mark.parametrize(
    ("vendor", "fixture"),
    [("anthropic", "text.sse"), ("gemini", "text.sse"), ("cohere", "text.sse")],
)
def test_no_usage_chunk_unless_the_caller_asked(vendor: str, fixture: str) -> None:
    driver = driver_class(vendor)(make_call(vendor, payload=STREAM))
    body, usage = run_stream(driver, (FIXTURES / vendor / "streams" / fixture).read_bytes())
    events = sse_view(body)
    assert events[-1]["data"] == "[DONE]"
    assert all(e["data"]["choices"] for e in events[:-1]), "a usage-only chunk was sent"
    assert usage.total_tokens > 0, "usage is still metered"


@pytest.mark.parametrize(
    ("vendor", "terminal_event"),
    [("anthropic", b"event: message_delta"), ("cohere", b"event: message-end")],
)
def test_a_cut_stream_gets_no_done(vendor: str, terminal_event: bytes) -> None:
    raw = (FIXTURES / vendor / "streams" / "text.sse").read_bytes()
    driver = driver_class(vendor)(make_call(vendor, payload=STREAM))
    body, _ = run_stream(driver, raw[: raw.index(terminal_event)])
    assert b"[DONE]" not in body and b'finish_reason":"stop' not in body


def test_anthropic_ingress_closes_a_whole_answer_without_done() -> None:
    from proxy.providers.anthropic.ingress import open_driver

    chunks = (FIXTURES / "anthropic_ingress" / "streams" / "text.sse").read_bytes()
    without_done = chunks.replace(b"data: [DONE]\n\n", b"")
    payload = {
        "model": "m",
        "max_tokens": 5,
        "stream": True,
        "messages": [{"role": "user", "content": "Hi"}],
    }
    call = make_call("openai", payload=payload, ingress="anthropic", operation="/v1/messages")
    body, _ = run_stream(open_driver(call, driver_class("openai")), without_done)
    assert [e["event"] for e in sse_view(body)][-2:] == ["message_delta", "message_stop"]


def test_gemini_invalid_model_name_is_refused() -> None:
    payload = {"model": "../../v1/files", "messages": [{"role": "user", "content": "x"}]}
    with pytest.raises(GatewayError) as raised:
        driver_class("gemini")(make_call("gemini", payload=payload)).build_request()
    assert raised.value.status == 400 and raised.value.param == "model"
