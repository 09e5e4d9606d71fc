"""Gateway defaults as pure functions: the settings shape, its validation, and how each request
shape receives the defaults."""

from __future__ import annotations

from dataclasses import replace

import orjson
import pytest

from proxy.errors import GatewayError
from proxy.ingress import unified_operations
from proxy.policies.apply_defaults import (
    ANTHROPIC_MESSAGES,
    OPENAI_CHAT,
    OPENAI_EMBEDDINGS,
    apply_gateway_defaults,
    compile_policy,
    shape_of,
)
from proxy.policies.gateway_defaults import (
    GatewayDefaults,
    ParameterDefault,
    parse_gateway_settings,
)
from tests.proxy.support import make_deployment

FULL = {
    "system_prompt": "Be Acme.",
    "assistant_prefill": "Sure:",
    "parameters": {
        "model": {"value": "m-default"},
        "temperature": {"value": 0.5, "overridable": False},
        "top_p": {"value": 1},
        "max_tokens": {"value": 64},
        "stop": {"value": "END"},
    },
}


def policy(settings: dict, driver: str = "openai", name: str = "Support Bot"):
    deployment = replace(make_deployment("http://mock.test"), api_name=name)
    deployment = replace(deployment, gateway_settings=settings)
    deployment = replace(deployment, vendor=replace(deployment.vendor, driver=driver))
    return compile_policy(deployment), deployment


def test_parse_normalises_the_settings():
    defaults, errors = parse_gateway_settings(FULL)
    assert errors == {}
    assert defaults.temperature == ParameterDefault(0.5, overridable=False)
    assert defaults.stop == ParameterDefault(["END"])
    assert defaults.to_dict()["parameters"]["top_p"] == {"value": 1, "overridable": True}
    assert parse_gateway_settings(defaults.to_dict())[0] == defaults
    assert parse_gateway_settings({})[0].is_empty and parse_gateway_settings(None)[1] == {}


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ([], "gateway_settings"),
        ({"prompt": "x"}, "gateway_settings"),
        ({"system_prompt": 3}, "system_prompt"),
        ({"assistant_prefill": "x" * 32_001}, "assistant_prefill"),
        ({"parameters": {"seed": {"value": 1}}}, "gateway_settings"),
        ({"parameters": {"temperature": 0.3}}, "temperature"),
        ({"parameters": {"temperature": {"value": 2.5}}}, "temperature"),
        ({"parameters": {"temperature": {"value": True}}}, "temperature"),
        ({"parameters": {"top_p": {"value": -0.1}}}, "top_p"),
        ({"parameters": {"max_tokens": {"value": 0}}}, "max_tokens"),
        ({"parameters": {"max_tokens": {"value": 1.5}}}, "max_tokens"),
        ({"parameters": {"stop": {"value": ["a", ""]}}}, "stop"),
        ({"parameters": {"stop": {"value": ["s"] * 17}}}, "stop"),
        ({"parameters": {"model": {"value": " "}}}, "model"),
        ({"parameters": {"model": {"value": "m", "overridable": "no"}}}, "model"),
        ({"parameters": {"model": {"value": "m", "locked": True}}}, "model"),
    ],
)
def test_parse_reports_each_problem_on_its_field(raw, field):
    _, errors = parse_gateway_settings(raw)
    assert field in errors and errors[field][0]


def test_shapes_by_ingress_driver_and_operation():
    assert shape_of("openai", "anthropic", "/chat/completions") is OPENAI_CHAT
    assert shape_of("anthropic", "gemini", "/v1/messages") is ANTHROPIC_MESSAGES
    assert shape_of("native", "anthropic", "/v1/messages") is ANTHROPIC_MESSAGES
    assert shape_of("native", "azure-openai", "/embeddings") is OPENAI_EMBEDDINGS
    assert shape_of("native", "gemini", "/v1beta/models/g:generateContent") is None
    assert shape_of("native", "custom", "/chat/completions") is None
    assert shape_of("native", "openai", "/models") is None


def test_no_settings_means_no_policy_and_an_untouched_body():
    compiled, _ = policy({})
    assert compiled is None
    body = b'{"model": "x"}'
    assert apply_gateway_defaults(None, "native", "/chat/completions", {"model": "x"}, body)[1] is (
        body
    )


def test_openai_chat_receives_prompt_defaults_and_prefill():
    compiled, _ = policy(FULL)
    payload = {"model": "mine", "messages": [{"role": "user", "content": "hi"}], "top_p": 0.3}
    applied, body = apply_gateway_defaults(compiled, "native", "/chat/completions", payload, b"")
    assert applied == {
        "model": "mine",
        "messages": [
            {"role": "system", "content": "Be Acme."},
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": "Sure:"},
        ],
        "top_p": 0.3,
        "temperature": 0.5,
        "max_tokens": 64,
        "stop": ["END"],
    }
    assert orjson.loads(body) == applied
    assert payload["messages"] == [{"role": "user", "content": "hi"}]  # the caller's untouched


def test_a_callers_own_prefill_wins_and_a_forced_parameter_replaces_theirs():
    compiled, _ = policy(FULL)
    messages = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "Well,"}]
    applied = compiled.apply(
        "openai", "/chat/completions", {"messages": messages, "temperature": 1}
    )
    assert applied["messages"][-1] == {"role": "assistant", "content": "Well,"}
    assert applied["temperature"] == 0.5 and applied["model"] == "m-default"


def test_embeddings_only_take_the_model():
    compiled, deployment = policy(FULL)
    applied = compiled.apply("native", "/embeddings", {"model": deployment.api_uuid, "input": "x"})
    assert applied == {"model": "m-default", "input": "x"}


def test_anthropic_messages_take_system_stop_sequences_and_a_trailing_assistant_turn():
    compiled, _ = policy(FULL, driver="anthropic")
    payload = {"model": "c", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}
    applied = compiled.apply("native", "/v1/messages", payload)
    assert applied["system"] == "Be Acme."
    assert applied["stop_sequences"] == ["END"] and "stop" not in applied
    assert applied["max_tokens"] == 10  # overridable, and the caller set it
    assert applied["messages"][-1] == {"role": "assistant", "content": "Sure:"}


@pytest.mark.parametrize("alias", ["support-bot", "uuid", "id"])
def test_the_api_id_uuid_or_slug_names_the_default_model(alias):
    compiled, deployment = policy(FULL)
    value = {"uuid": deployment.api_uuid, "id": str(deployment.api_id)}.get(alias, alias)
    applied = compiled.apply("openai", "/chat/completions", {"model": value, "messages": []})
    assert applied["model"] == "m-default"


def test_the_api_id_without_a_default_model_is_an_error():
    compiled, deployment = policy({"system_prompt": "Be Acme."})
    with pytest.raises(GatewayError) as raised:
        compiled.apply("openai", "/chat/completions", {"model": deployment.api_uuid})
    assert raised.value.code == "missing_model"


def test_invalid_settings_in_a_snapshot_refuse_calls_rather_than_drop_the_policy():
    compiled, _ = policy({"parameters": {"max_tokens": {"value": -1, "overridable": False}}})
    with pytest.raises(GatewayError) as raised:
        compiled.apply("openai", "/chat/completions", {"model": "m"})
    assert raised.value.code == "upstream_misconfigured"


def test_defaults_object_reports_emptiness():
    assert GatewayDefaults().is_empty
    assert not GatewayDefaults(assistant_prefill="x").is_empty


def test_unified_operations_follow_the_vendors_definition():
    openai_like = [("POST", "/chat/completions"), ("POST", "/embeddings"), ("GET", "/models")]
    assert unified_operations(openai_like) == [
        ("POST", "/chat/completions"),
        ("POST", "/v1/messages"),
        ("POST", "/embeddings"),
        ("GET", "/models"),
    ]
    anthropic_native = [("POST", "/v1/messages"), ("GET", "/v1/models")]
    assert unified_operations(anthropic_native) == [
        ("POST", "/chat/completions"),
        ("POST", "/v1/messages"),
    ]
