"""Reading a custom vendor's OpenAPI document: JSON or YAML, made JSON-safe, bounded."""

from __future__ import annotations

import pytest

from core.errors import InvalidInput
from core.services.api_definitions import count_operations, parse_api_definition

MINIMAL = '{"openapi": "3.1.0", "paths": {"/chat": {"post": {}, "parameters": []}}}'


def problems(source) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        parse_api_definition(source)
    return caught.value.fields["api_definition"]


def test_json_text_bytes_and_objects_are_read_alike() -> None:
    as_text = parse_api_definition(MINIMAL)
    assert parse_api_definition(MINIMAL.encode()) == as_text
    assert parse_api_definition("\ufeff" + MINIMAL) == as_text  # a BOM is fine
    assert parse_api_definition(as_text) == as_text
    assert count_operations(as_text) == 1  # `parameters` is not an operation


def test_yaml_keys_and_dates_become_strings() -> None:
    document = parse_api_definition(
        "openapi: '3.0.0'\ninfo: {version: 2024-10-21}\n"
        "paths:\n  /a:\n    get: {responses: {200: {description: OK}}}\n"
    )
    assert document["info"]["version"] == "2024-10-21"
    assert list(document["paths"]["/a"]["get"]["responses"]) == ["200"]


def test_yaml_alias_expansion_is_bounded() -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for n in range(1, 9):
        refs = ", ".join([f"*a{n - 1}"] * 10)
        levels.append(f"a{n}: &a{n} [{refs}]")
    bomb = "openapi: 3.0.0\npaths: {/a: {get: {}}}\n" + "\n".join(levels) + "\n"
    assert "too large" in problems(bomb)[0]


def test_self_referencing_yaml_is_refused() -> None:
    assert "too" in problems("openapi: 3.0.0\nloop: &l [*l]\n")[0]


@pytest.mark.parametrize(
    ("source", "words"),
    [
        (b"\xff\xfe\x00", "UTF-8"),
        ("", "Give an OpenAPI 3 document"),
        ("openapi: 2.0\npaths: {/a: {get: {}}}", "OpenAPI 3"),
        ('{"swagger": "2.0", "paths": {}}', "Swagger 2.0"),
        ("openapi: 3.0.0\npaths: []", "no paths"),
        ("a: b: c", "Neither JSON nor YAML (line 1"),
        (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
    ],
)
def test_refusals_say_what_is_wrong(source, words) -> None:
    assert words in problems(source)[0]
