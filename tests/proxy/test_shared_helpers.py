"""Helpers that exist once and serve proxy and control plane alike: env readers, JSON bodies,
credential placement, the headers that never cross a hop."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import env as core_env
from core.web import relay
from proxy import forward
from proxy.contract import Auth
from proxy.credentials import place_credential
from proxy.env import Env
from proxy.headers import (
    CALLER_SECRETS,
    DROPPED_REQUEST_HEADERS,
    DROPPED_RESPONSE_HEADERS,
    HOP_BY_HOP,
)
from proxy.jsonbody import loads_or_none, object_or_none


def test_env_reads_typed_values_and_fails_loudly(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    env = Env({"S_FILE": str(secret), "S": "ignored", "B": " Yes ", "I": " 7", "L": "a, ,b,"})
    assert env.str("S") == "from-a-file" and env.str("MISSING", "d") == "d"
    assert env.bool("B", False) is True and env.bool("MISSING", True) is True
    assert env.int("I", 0) == 7 and env.float("MISSING", 1.5) == 1.5
    assert env.list("L") == ("a", "b") and env.list("MISSING", "x,y") == ("x", "y")
    for name, read in (("B", Env({"B": "maybe"}).bool), ("I", Env({"I": "7.5"}).int)):
        with pytest.raises(ValueError, match=name):
            read(name, 0)


def test_the_control_plane_reads_env_through_the_same_parser(monkeypatch, tmp_path) -> None:
    secret = tmp_path / "key"
    secret.write_text("k\n")
    monkeypatch.setenv("TG_TEST_KEY_FILE", str(secret))
    monkeypatch.setenv("TG_TEST_FLAG", "off")
    monkeypatch.setenv("TG_TEST_HOSTS", "a,b")
    monkeypatch.setenv("TG_TEST_PORT", "x")
    assert core_env.envstr("TG_TEST_KEY") == "k"
    assert core_env.envbool("TG_TEST_FLAG", True) is False
    assert core_env.envlist("TG_TEST_HOSTS") == ["a", "b"]
    with pytest.raises(ValueError, match="TG_TEST_PORT must be an integer"):
        core_env.envint("TG_TEST_PORT", 1)


def test_json_bodies_read_without_raising() -> None:
    assert loads_or_none(b"[1, 2]") == [1, 2]
    assert loads_or_none(b"<html>") is None
    assert object_or_none(b' {"a": 1}') == {"a": 1}
    for body in (b"", b"[1]", b"{oops", b"model=x", b"\xff"):
        assert object_or_none(body) is None


@pytest.mark.parametrize(
    ("auth", "headers", "query"),
    [
        (Auth("header", "Authorization", "Bearer "), {"authorization": "Bearer sk"}, "a=1"),
        (Auth("header", "api-key", ""), {"api-key": "sk"}, "a=1"),
        (Auth("query", "key", ""), {}, "a=1&key=sk"),
        (Auth("none", "", ""), {}, "a=1"),
    ],
)
def test_a_credential_goes_where_the_vendor_says(auth, headers, query) -> None:
    sent: dict[str, str] = {}
    assert place_credential(auth, "sk", sent, "a=1") == query
    assert sent == headers


def test_a_query_credential_replaces_whatever_the_caller_put_there() -> None:
    query = place_credential(Auth("query", "key", ""), "sk", {}, "key=callers&a=1")
    assert query == "a=1&key=sk"


def test_a_missing_credential_adds_nothing() -> None:
    sent: dict[str, str] = {}
    assert place_credential(Auth("query", "key", ""), "", sent, "a=1") == "a=1"
    assert sent == {}


def test_one_hop_by_hop_list_for_the_proxy_and_the_portal_relay() -> None:
    assert HOP_BY_HOP | CALLER_SECRETS <= DROPPED_REQUEST_HEADERS
    assert forward.DROPPED_REQUEST_HEADERS is DROPPED_REQUEST_HEADERS
    assert relay.DROPPED_RESPONSE_HEADERS is DROPPED_RESPONSE_HEADERS
