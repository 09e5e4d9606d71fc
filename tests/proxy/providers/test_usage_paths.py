"""The JSONPath subset and usage-path validation a custom vendor is saved with."""

from __future__ import annotations

import pytest

from proxy.providers.base import Usage
from proxy.providers.common.jsonpath import InvalidPath, compile_path
from proxy.providers.common.usage_paths import UsagePaths, validate_usage_paths

DATA = {"usage": {"prompt_tokens": 3}, "choices": [{"m": "a"}, {"m": "b"}], "x-y": {"z": 1}}


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("$.usage.prompt_tokens", 3),
        ("$.choices[0].m", "a"),
        ("$.choices[-1].m", "b"),
        ("$['x-y'].z", 1),
        ('$["x-y"]["z"]', 1),
        ("$.x-y.z", 1),
        ("$.choices[5].m", None),
        ("$.usage.missing", None),
        ("$.usage.prompt_tokens.deeper", None),
    ],
)
def test_paths_find_one_value(path: str, value: object) -> None:
    assert compile_path(path).find(DATA) == value


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("usage.prompt_tokens", "starts with '$'"),
        ("$", "names no value"),
        ("$..tokens", "exactly one value"),
        ("$.usage.*", "exactly one value"),
        ("$.choices[*].m", "exactly one value"),
        ("$.choices[?(@.m)]", "exactly one value"),
        ("$.choices[0", "expected ']'"),
        ("$.choices[0:2]", "expected ']'"),
        ("$ usage", "unexpected ' '"),
    ],
)
def test_invalid_paths_say_why(path: str, message: str) -> None:
    with pytest.raises(InvalidPath, match=message.replace("$", r"\$").replace("[", r"\[")):
        compile_path(path)


def test_validation_reports_per_field() -> None:
    errors = validate_usage_paths(
        {
            "prompt_tokens": "$.usage.input",
            "completion_tokens": "$..out",
            "total_tokens": "header:",
            "response_model": "header:x-model",
            "request_model": "",
            "cost": "$.cost",
        }
    )
    assert set(errors) == {"completion_tokens", "total_tokens", "cost"}
    assert "header:<name>" in errors["total_tokens"]
    assert "unknown field" in errors["cost"]


def test_usage_from_payload_and_headers() -> None:
    paths = UsagePaths.compile(
        {
            "prompt_tokens": "$.u.in",
            "completion_tokens": "header:X-Out",
            "total_tokens": "$.u.total",
            "response_model": "$.model",
            "request_model": "$.req.model",
        }
    )
    usage = paths.usage({"u": {"in": 4.0, "total": "9"}, "model": "m-2"}, {"x-out": "5"})
    assert usage == Usage(4, 5, 9, "m-2")
    assert paths.request_model({"req": {"model": "m"}}, {}) == "m"


@pytest.mark.parametrize("value", [True, "many", -3, None, {"n": 1}])
def test_unreadable_counts_are_zero(value: object) -> None:
    paths = UsagePaths.compile({"prompt_tokens": "$.n"})
    assert paths.usage({"n": value}, {}).prompt_tokens == 0


def test_invalid_saved_paths_do_not_break_calls() -> None:
    paths = UsagePaths.compile({"prompt_tokens": "$..bad", "completion_tokens": "$.ok"})
    assert paths.usage({"ok": 2}, {}) == Usage(0, 2, 0, "")
