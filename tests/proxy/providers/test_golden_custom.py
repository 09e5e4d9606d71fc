"""Golden files for custom vendors: the upstream request built from the vendor's settings, and
the usage read from the configured JSONPaths or headers (responses and streams pass through)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from proxy.contract import Auth
from proxy.providers.custom.driver import CustomDriver
from tests.proxy.providers.golden import (
    FIXTURES,
    check_golden,
    fixtures,
    make_call,
    read_json,
    run_stream,
    upstream_view,
    usage_view,
)

CASES = fixtures("custom")


def custom_driver(spec: dict) -> CustomDriver:
    request = spec["request"]
    call = make_call(
        "custom",
        payload=request["body"],
        ingress="native",
        operation=request["operation"],
        method=request["method"],
        query=request["query"],
        headers=request["headers"],
        endpoint=spec["endpoint"],
        auth=Auth(**spec["vendor"]["auth"]),
        usage_paths=spec["vendor"]["usage_paths"],
    )
    return CustomDriver(call)


@pytest.mark.parametrize("fixture", CASES, ids=[p.stem for p in CASES])
def test_custom_vendor(fixture: Path) -> None:
    spec = read_json(fixture)
    driver = custom_driver(spec)
    actual = {"upstream": upstream_view(driver.build_request())}
    actual["requested_model"] = driver.requested_model()
    if "stream" in spec:
        raw = spec["stream"].encode()
        body, usage = run_stream(driver, raw)
        assert body == raw
    else:
        response = spec["response"]
        driver.on_response_headers(response["headers"])
        raw = orjson.dumps(response["body"])
        translated = driver.parse_response(response["status"], raw)
        assert translated.body == raw
        usage = translated.usage
    actual["usage"] = usage_view(usage)
    check_golden(FIXTURES / "custom" / "golden" / fixture.name, actual)


def test_custom_errors_pass_through() -> None:
    driver = custom_driver(read_json(CASES[0]))
    assert driver.map_error(418, b"teapot") == (418, b"teapot")
