"""Golden files for the Anthropic Messages ingress: Anthropic requests → OpenAI-shaped internal
requests; OpenAI answers, streams and errors (and Gemini's and Cohere's, through their drivers)
→ Anthropic messages, events and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from proxy.errors import GatewayError
from proxy.providers.anthropic.ingress import (
    AnthropicIngressDriver,
    anthropic_error_body,
    open_driver,
)
from proxy.providers.registry import driver_class
from tests.proxy.providers.golden import (
    FIXTURES,
    check_golden,
    error_input,
    fixtures,
    make_call,
    read_json,
    run_stream,
    sse_view,
    upstream_view,
    usage_view,
)

HERE = FIXTURES / "anthropic_ingress"
REQUESTS = fixtures("anthropic_ingress/requests")
CHAT = read_json(HERE / "requests" / "basic.json")
STREAM = {**CHAT, "stream": True}


def ingress_driver(vendor: str, payload: dict):
    call = make_call(
        vendor,
        payload=payload,
        ingress="anthropic",
        operation="/v1/messages",
        headers={"content-type": "application/json", "anthropic-version": "2023-06-01"},
    )
    return open_driver(call, driver_class(vendor))


def golden(kind: str, fixture: Path) -> Path:
    return HERE / "golden" / kind / f"{fixture.stem}.json"


@pytest.mark.parametrize("fixture", REQUESTS, ids=[p.stem for p in REQUESTS])
def test_request_becomes_openai(fixture: Path) -> None:
    try:
        driver = ingress_driver("openai", read_json(fixture))
        actual = upstream_view(driver.build_request())
    except GatewayError as exc:
        actual = {
            "error": {
                "status": exc.status,
                "body": json.loads(anthropic_error_body(exc.status, exc.render())),
            }
        }
    check_golden(golden("requests", fixture), actual)


RESPONSES = fixtures("anthropic_ingress/responses")


@pytest.mark.parametrize("fixture", RESPONSES, ids=[p.stem for p in RESPONSES])
def test_openai_response_becomes_message(fixture: Path) -> None:
    driver = ingress_driver("openai", CHAT)
    driver.build_request()
    translated = driver.parse_response(200, fixture.read_bytes())
    actual = {"body": json.loads(translated.body), "usage": usage_view(translated.usage)}
    check_golden(golden("responses", fixture), actual)


STREAMS = fixtures("anthropic_ingress/streams", ".sse")


@pytest.mark.parametrize("fixture", STREAMS, ids=[p.stem for p in STREAMS])
def test_openai_stream_becomes_events(fixture: Path) -> None:
    driver = ingress_driver("openai", STREAM)
    driver.build_request()
    body, usage = run_stream(driver, fixture.read_bytes())
    check_golden(golden("streams", fixture), {"events": sse_view(body), "usage": usage_view(usage)})


ERRORS = fixtures("anthropic_ingress/errors")


@pytest.mark.parametrize("fixture", ERRORS, ids=[p.stem for p in ERRORS])
def test_openai_error_becomes_anthropic_error(fixture: Path) -> None:
    status, body = error_input(fixture)
    mapped_status, mapped = ingress_driver("openai", CHAT).map_error(status, body)
    check_golden(golden("errors", fixture), {"status": mapped_status, "body": json.loads(mapped)})


VIA = [(v, p) for v in ("gemini", "cohere") for p in fixtures(f"{v}/streams", ".sse")]


@pytest.mark.parametrize(("vendor", "fixture"), VIA, ids=[f"{v}-{p.stem}" for v, p in VIA])
def test_vendor_stream_reaches_anthropic_caller(vendor: str, fixture: Path) -> None:
    driver = ingress_driver(vendor, STREAM)
    assert isinstance(driver, AnthropicIngressDriver)
    driver.build_request()
    body, usage = run_stream(driver, fixture.read_bytes())
    actual = {"events": sse_view(body), "usage": usage_view(usage)}
    check_golden(HERE / "golden" / f"via_{vendor}" / f"{fixture.stem}.json", actual)


def test_anthropic_vendor_passes_through_natively() -> None:
    driver = ingress_driver("anthropic", CHAT)
    request = driver.build_request()
    assert request.url == "https://provider.test/v1/messages"
    assert json.loads(request.body) == CHAT
    raw = (FIXTURES / "anthropic" / "streams" / "text.sse").read_bytes()
    body, usage = run_stream(driver, raw)
    assert body == raw
    assert (usage.prompt_tokens, usage.completion_tokens) == (25, 15)
