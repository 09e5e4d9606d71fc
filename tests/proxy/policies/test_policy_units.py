"""The policy layer's own rules, run directly: recognisers, restore across chunk boundaries,
validation messages, and what an API without (semantic) policies loads."""

from __future__ import annotations

import subprocess
import sys

import pytest

from proxy.policies.pii import mask
from proxy.policies.pii_recognisers import BUILTIN, find
from proxy.policies.restore import TextRestorer, restore_whole
from proxy.policies.spec import parse_policies

SAMPLE = (
    "Mail jane.doe@example.com or call +1 415-555-0100. Card 4111 1111 1111 1111, "
    "IBAN DE89 3704 0044 0532 0130 00, SSN 123-45-6789, from 10.0.0.1 and 2001:db8::1 "
    "with key sk-proj-abcdefghijklmnopqrstuvwx"
)


def test_builtin_recognisers_find_each_kind_once():
    found = [(entity, SAMPLE[s:e]) for s, e, entity in find(SAMPLE, BUILTIN)]
    assert found == [
        ("EMAIL", "jane.doe@example.com"),
        ("PHONE", "+1 415-555-0100"),
        ("CREDIT_CARD", "4111 1111 1111 1111"),
        ("IBAN", "DE89 3704 0044 0532 0130 00"),
        ("US_SSN", "123-45-6789"),
        ("IP_ADDRESS", "10.0.0.1"),
        ("IP_ADDRESS", "2001:db8::1"),
        ("SECRET", "sk-proj-abcdefghijklmnopqrstuvwx"),
    ]


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("4111 1111 1111 1112", "CREDIT_CARD"),
        ("GB00WEST12345698765432", "IBAN"),
        ("999.1.1.1", "IP_ADDRESS"),
        ("000-12-3456", "US_SSN"),
    ],
)
def test_look_alikes_fail_their_checks(text, entity):
    assert entity not in [found for _, _, found in find(text, BUILTIN)]


def test_the_same_value_keeps_its_placeholder_and_comes_back():
    restore: dict[str, str] = {}
    text = "a@b.io then a@b.io and c@d.io"
    masked = mask(text, find(text, BUILTIN), restore)
    assert masked == "[EMAIL_1] then [EMAIL_1] and [EMAIL_2]"
    body = b'{"content": "to [EMAIL_2] \\u00e9"}'
    assert restore_whole(body, {**restore, "[EMAIL_2]": 'q"uote@x.io'}) == (
        b'{"content": "to q\\"uote@x.io \\u00e9"}'
    )


def test_a_placeholder_split_across_pieces_is_held_back_until_whole():
    restorer = TextRestorer({"[EMAIL_1]": "a@b.io", "[PHONE_2]": "+1 555 0100 22"})
    pieces = ["Write [EM", "AIL_", "1] or [", "PHONE_2] [not a placeholder] ["]
    out = [restorer.feed(piece) for piece in pieces] + [restorer.flush()]
    assert "".join(out) == "Write a@b.io or +1 555 0100 22 [not a placeholder] ["
    assert all("[EM" not in piece and "AIL_" not in piece for piece in out)


@pytest.mark.parametrize(
    ("policy", "field"),
    [
        ({"kind": "nope"}, "kind"),
        ({"kind": "regex_guard", "parameters": {"pattern": "a", "mode": "warn"}}, "mode"),
        ({"kind": "regex_guard", "parameters": {"pattern": "a", "json_path": "$[["}}, "json_path"),
        ({"kind": "word_count_guard", "parameters": {"min": 5, "max": 2}}, "max"),
        (
            {"kind": "url_guard", "parameters": {"allowed_domains": ["not a domain"]}},
            "allowed_domains",
        ),
        ({"kind": "json_schema_guard", "parameters": {"schema": {"type": 5}}}, "schema"),
        ({"kind": "pii", "flow": "response", "parameters": {"action": "mask"}}, "flow"),
        ({"kind": "semantic_guard", "parameters": {"deny": []}}, "deny"),
        ({"kind": "prompt_template", "parameters": {"templates": [{"name": "x"}]}}, "templates"),
        ({"kind": "prompt_decorator", "parameters": {"prepend": [{"role": "bot"}]}}, "prepend"),
    ],
)
def test_invalid_policies_name_their_field(policy, field):
    specs, errors = parse_policies([policy])
    assert specs == [] and f"policies[0].{field}" in errors


def test_a_proxy_without_semantic_policies_never_loads_the_model():
    script = (
        "import sys\n"
        "from dataclasses import replace\n"
        "import proxy.app\n"
        "from proxy.policies.chain import compile_policies\n"
        "from tests.proxy.support import make_deployment\n"
        "d = replace(make_deployment('http://127.0.0.1:9'), policies=(\n"
        "    {'kind': 'regex_guard', 'parameters': {'pattern': 'x'}},\n"
        "    {'kind': 'pii', 'parameters': {'action': 'mask_restore'}}))\n"
        "assert compile_policies(d) is not None\n"
        "print(sorted(m for m in ('wordllama', 'numpy', 'jsonpath_ng', 'jsonschema')"
        " if m in sys.modules))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "[]"
