"""The publisher Test console's internal keys: only with the console's proof, only for their
API, on a created API too; ordinary keys still find no created API."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from proxy.auth import authenticate, authorize
from proxy.console import CONSOLE_PROOF_HEADER, console_proof
from proxy.errors import GatewayError
from tests.proxy.support import SECRET, make_deployment, make_key, with_lifecycle


class OneKey:
    def __init__(self, snapshot) -> None:
        self.snapshot = snapshot

    async def key(self, digest: str):
        return self.snapshot if digest == self.snapshot.digest else None


def console_key(api_id: int):
    plain, snapshot = make_key()
    return plain, replace(snapshot, console_api_id=api_id)


def authenticated(snapshot, headers: dict[str, str]):
    return asyncio.run(authenticate(OneKey(snapshot), SECRET, headers, "default"))


def test_a_console_key_needs_the_consoles_proof():
    plain, snapshot = console_key(api_id=7)
    bearer = {"authorization": f"Bearer {plain}"}
    with pytest.raises(GatewayError) as refused:
        authenticated(snapshot, bearer)
    assert refused.value.kind.code == "invalid_api_key"
    with pytest.raises(GatewayError):
        authenticated(snapshot, {**bearer, CONSOLE_PROOF_HEADER: "f" * 64})
    proof = console_proof(SECRET, plain)
    assert authenticated(snapshot, {**bearer, CONSOLE_PROOF_HEADER: proof}) is snapshot


def test_a_console_key_calls_its_own_api_in_any_state_but_blocked():
    deployment = make_deployment("http://mock")
    _plain, key = console_key(api_id=deployment.api_id)
    for state in ("CREATED", "PROTOTYPED", "PUBLISHED"):
        assert authorize(with_lifecycle(deployment, state), key) is None
    with pytest.raises(GatewayError) as blocked:
        authorize(with_lifecycle(deployment, "BLOCKED"), key)
    assert blocked.value.kind.code == "api_blocked"
    with pytest.raises(GatewayError) as other:
        authorize(make_deployment("http://mock"), key)
    assert other.value.kind.code == "not_subscribed"


def test_an_ordinary_key_finds_no_created_api():
    deployment = make_deployment("http://mock", lifecycle="CREATED")
    _plain, key = make_key(subscriptions={deployment.api_id: "ACTIVE"})
    with pytest.raises(GatewayError) as refused:
        authorize(deployment, key)
    assert refused.value.kind.code == "route_not_found"
