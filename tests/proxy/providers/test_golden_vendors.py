"""Golden files per built-in vendor (Anthropic, Gemini, Cohere).

For every unified request fixture: the exact upstream request. For every vendor response,
stream and error fixture: the exact OpenAI-shaped result and the usage metered. For native
(pass-through) calls: the upstream request, an untouched body and the usage metered.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from proxy.errors import GatewayError
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
from tests.proxy.support import TRANSLATED

VENDORS = TRANSLATED
REQUESTS = fixtures("requests")
CHAT = read_json(FIXTURES / "requests" / "basic.json")
STREAM = read_json(FIXTURES / "requests" / "stream.json")


def cases(kind: str, suffix: str = ".json") -> list[tuple[str, Path]]:
    return [(v, p) for v in VENDORS for p in fixtures(f"{v}/{kind}", suffix)]


def case_ids(items: list[tuple[str, Path]]) -> list[str]:
    return [f"{vendor}-{path.stem}" for vendor, path in items]


def golden(vendor: str, kind: str, fixture: Path) -> Path:
    return FIXTURES / vendor / "golden" / kind / f"{fixture.stem}.json"


def driver_for(vendor: str, payload: dict, **kwargs: object):
    return driver_class(vendor)(make_call(vendor, payload=payload, **kwargs))


@pytest.mark.parametrize("vendor", VENDORS)
@pytest.mark.parametrize("fixture", REQUESTS, ids=[p.stem for p in REQUESTS])
def test_unified_request(vendor: str, fixture: Path) -> None:
    driver = driver_for(vendor, read_json(fixture))
    try:
        actual = upstream_view(driver.build_request())
    except GatewayError as exc:
        actual = {"error": {"status": exc.status, "body": json.loads(exc.render())}}
    check_golden(golden(vendor, "requests", fixture), actual)


RESPONSES = cases("responses")


@pytest.mark.parametrize(("vendor", "fixture"), RESPONSES, ids=case_ids(RESPONSES))
def test_unified_response(vendor: str, fixture: Path) -> None:
    driver = driver_for(vendor, CHAT)
    driver.build_request()
    translated = driver.parse_response(200, fixture.read_bytes())
    actual = {"body": json.loads(translated.body), "usage": usage_view(translated.usage)}
    check_golden(golden(vendor, "responses", fixture), actual)


STREAMS = cases("streams", ".sse")


@pytest.mark.parametrize(("vendor", "fixture"), STREAMS, ids=case_ids(STREAMS))
def test_unified_stream(vendor: str, fixture: Path) -> None:
    driver = driver_for(vendor, STREAM)
    driver.build_request()
    body, usage = run_stream(driver, fixture.read_bytes())
    actual = {"events": sse_view(body), "usage": usage_view(usage)}
    check_golden(golden(vendor, "streams", fixture), actual)


ERRORS = cases("errors")


@pytest.mark.parametrize(("vendor", "fixture"), ERRORS, ids=case_ids(ERRORS))
def test_unified_error(vendor: str, fixture: Path) -> None:
    status, body = error_input(fixture)
    mapped_status, mapped = driver_for(vendor, CHAT).map_error(status, body)
    check_golden(
        golden(vendor, "errors", fixture), {"status": mapped_status, "body": json.loads(mapped)}
    )


NATIVE_REQUESTS = cases("native")


@pytest.mark.parametrize(("vendor", "fixture"), NATIVE_REQUESTS, ids=case_ids(NATIVE_REQUESTS))
def test_native_request(vendor: str, fixture: Path) -> None:
    spec = read_json(fixture)
    driver = driver_for(
        vendor,
        spec["body"],
        ingress="native",
        operation=spec["operation"],
        method=spec["method"],
        query=spec["query"],
        headers=spec["headers"],
    )
    actual = upstream_view(driver.build_request())
    actual["requested_model"] = driver.requested_model()
    check_golden(golden(vendor, "native", fixture), actual)


def native_driver(vendor: str):
    operation = {
        "anthropic": "/v1/messages",
        "gemini": "/v1beta/models/gemini-2.0-flash:streamGenerateContent",
        "cohere": "/v2/chat",
    }[vendor]
    payload = {"model": "asked-model", "messages": [{"role": "user", "content": "Hi"}]}
    return driver_for(vendor, payload, ingress="native", operation=operation)


@pytest.mark.parametrize(("vendor", "fixture"), RESPONSES, ids=case_ids(RESPONSES))
def test_native_response_usage(vendor: str, fixture: Path) -> None:
    raw = fixture.read_bytes()
    translated = native_driver(vendor).parse_response(200, raw)
    assert translated.body == raw
    check_golden(golden(vendor, "native_responses", fixture), usage_view(translated.usage))


@pytest.mark.parametrize(("vendor", "fixture"), STREAMS, ids=case_ids(STREAMS))
def test_native_stream_usage(vendor: str, fixture: Path) -> None:
    raw = fixture.read_bytes()
    body, usage = run_stream(native_driver(vendor), raw)
    assert body == raw
    check_golden(golden(vendor, "native_streams", fixture), usage_view(usage))


@pytest.mark.parametrize(("vendor", "fixture"), ERRORS, ids=case_ids(ERRORS))
def test_native_error_passes_through(vendor: str, fixture: Path) -> None:
    status, body = error_input(fixture)
    assert native_driver(vendor).map_error(status, body) == (status, body)
