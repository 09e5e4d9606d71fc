"""Pure parts of the proxy, without processes: SSE splitting, drivers, config, key cache."""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
import pytest

from proxy import limiting, policy_hooks
from proxy.config import ProxyConfig
from proxy.contract import Endpoint, Limits
from proxy.crypto import KeyRing
from proxy.errors import GatewayError
from proxy.limits import limiter as limits_limiter
from proxy.limits.estimate import estimate_call
from proxy.limits.model import CallIdentity, Usage
from proxy.limits.rules import counters_for
from proxy.policy_hooks import AdmissionRequest
from proxy.providers.azure.driver import AzureOpenAIDriver
from proxy.providers.base import Call
from proxy.providers.mistral.driver import MistralDriver
from proxy.providers.openai.driver import OpenAIDriver
from proxy.registry import Registry
from proxy.sse import EventSplitter, event_data
from tests.proxy.support import VENDORS, make_key


def make_call(
    vendor: str = "openai",
    payload: dict | None = None,
    *,
    url: str = "https://x/v1",
    operation: str = "/chat/completions",
    settings: dict | None = None,
    query: str = "",
) -> Call:
    payload = payload if payload is not None else {"model": "m", "stream": True}
    stream = payload.get("stream") is True
    options = payload.get("stream_options") or {}
    return Call(
        vendor=VENDORS[vendor],
        endpoint=Endpoint(url, "", settings or {}),
        credential="sk-secret",
        method="POST",
        operation=operation,
        query=query,
        headers={"content-type": "application/json"},
        body=orjson.dumps(payload),
        payload=payload,
        stream=stream,
        client_wants_usage=bool(options),
    )


def test_event_splitter_handles_split_and_crlf_events():
    splitter = EventSplitter()
    assert splitter.feed(b"data: 1\n\ndata: ") == [b"data: 1\n\n"]
    assert splitter.feed(b"2\r\n\r\ndata: 3\n") == [b"data: 2\r\n\r\n"]
    assert splitter.feed(b"\n") == [b"data: 3\n\n"]
    assert event_data(b"event: x\ndata: a\ndata: b\n\n") == b"a\nb"
    assert event_data(b": comment\n\n") is None


def test_openai_asks_for_stream_usage_and_hides_it():
    driver = OpenAIDriver(make_call(query="a=1"))
    request = driver.build_request()
    assert request.url == "https://x/v1/chat/completions?a=1"
    assert request.headers["authorization"] == "Bearer sk-secret"
    assert orjson.loads(request.body)["stream_options"] == {"include_usage": True}
    usage_chunk = (
        b'data: {"model":"m-1","choices":[],"usage":{"prompt_tokens":2,'
        b'"completion_tokens":3,"total_tokens":5}}\n\n'
    )
    translated = driver.parse_stream_event(usage_chunk)
    assert translated.body == b""
    assert (translated.usage.total_tokens, translated.usage.model) == (5, "m-1")


def test_openai_keeps_client_requested_usage_and_body():
    payload = {"model": "m", "stream": True, "stream_options": {"include_usage": True}}
    call = make_call(payload=payload)
    driver = OpenAIDriver(call)
    assert driver.build_request().body == call.body
    chunk = b'data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1}}\n\n'
    assert driver.parse_stream_event(chunk).body == chunk


def test_mistral_never_injects():
    call = make_call("mistral")
    assert MistralDriver(call).build_request().body == call.body


def test_query_auth_scheme_for_compatible_servers():
    from dataclasses import replace

    from proxy.contract import Auth

    call = make_call(query="key=caller&x=1")
    call.vendor = replace(call.vendor, auth=Auth("query", "key", ""))
    request = OpenAIDriver(call).build_request()
    assert request.url == "https://x/v1/chat/completions?x=1&key=sk-secret"
    assert "authorization" not in request.headers


def test_azure_url_shapes():
    call = make_call(
        "azure",
        {"model": "my dep"},
        url="https://res.openai.azure.com/openai/",
        query="api-version=old&x=1",
        settings={"api_version": "2025-01-01"},
    )
    request = AzureOpenAIDriver(call).build_request()
    assert request.url == (
        "https://res.openai.azure.com/openai/deployments/my%20dep"
        "/chat/completions?x=1&api-version=2025-01-01"
    )
    assert request.headers["api-key"] == "sk-secret"
    models = make_call("azure", {}, url="https://res", operation="/models")
    assert AzureOpenAIDriver(models).url("") == "https://res/openai/models?api-version=2024-10-21"
    with pytest.raises(GatewayError) as refused:
        AzureOpenAIDriver(make_call("azure", {"messages": []})).build_request()
    assert refused.value.code == "missing_model"


def test_config_from_env():
    config = ProxyConfig.from_env({"TOLLGATE_DATA_DIR": "/data", "PROXY_PORT": "9000"})
    assert config.embedded and config.sqlite_path == Path("/data/tollgate.sqlite3")
    assert config.port == 9000 and config.key_pepper == config.secret_key
    assert ProxyConfig.from_env({"DATABASE_URL": "sqlite:////tmp/x.db"}).sqlite_path == Path(
        "/tmp/x.db"
    )
    assert ProxyConfig.from_env({"DATABASE_URL": "postgres://h/db"}).sqlite_path is None
    with pytest.raises(ValueError, match="ALLOW_PRIVATE_UPSTREAMS"):
        ProxyConfig.from_env({"ALLOW_PRIVATE_UPSTREAMS": "maybe"})


def test_the_token_estimate_is_computed_once_and_only_when_a_limiter_asks(monkeypatch):
    computed = []

    def counting(*args):
        computed.append(args)
        return estimate_call(*args)

    monkeypatch.setattr(policy_hooks, "estimate_call", counting)
    identity = CallIdentity(1, 1, 1, 1, "production")
    payload = {"messages": [{"role": "user", "content": "hello"}], "max_tokens": 100}
    request = AdmissionRequest(identity, "r1", "/chat/completions", "gpt-4o", payload)
    assert computed == []
    first = request.estimate()
    assert request.estimate() is first and len(computed) == 1
    assert first is not None and first.completion == 100 and first.prompt > 0
    bodiless = AdmissionRequest(identity, "r2", "/models", "", None)
    assert bodiless.estimate() is None


def test_the_engine_limiter_resolves_counters_once_and_settles_what_it_reserved(monkeypatch):
    resolved = []

    def counting(identity):
        resolved.append(identity)
        return counters_for(identity)

    monkeypatch.setattr(limiting, "counters_for", counting)
    monkeypatch.setattr(limits_limiter, "counters_for", counting)
    limiter = limiting.EngineLimiter(ProxyConfig.from_env({}))
    plan = Limits(requests=5, total_tokens=1000, unit_seconds=60)
    identity = CallIdentity(1, 1, 1, 1, "production", plan_limits=plan)
    payload = {"messages": [{"role": "user", "content": "hello"}], "max_tokens": 100}

    async def scenario() -> tuple[dict, dict]:
        await limiter.start()
        try:
            call = AdmissionRequest(identity, "r1", "/chat/completions", "gpt-4o", payload)
            reservation = await limiter.admit(call)
            await reservation.settle(Usage(prompt_tokens=10, completion_tokens=20), 200)
            nothing = AdmissionRequest(identity, "r2", "/embeddings", "m", {})  # reserves 0 tokens
            probe = await limiter.admit(nothing)
            return dict(reservation.headers), dict(probe.headers)
        finally:
            await limiter.close()

    reserved, after = asyncio.run(scenario())
    assert len(resolved) == 2  # one per call
    assert int(reserved[b"x-ratelimit-remaining-tokens"]) < 900  # prompt + max_tokens reserved
    assert after[b"x-ratelimit-remaining-tokens"] == b"970"  # settled to the 30 tokens spent
    assert after[b"x-ratelimit-remaining-requests"] == b"3"


def test_key_fetch_racing_an_invalidation_is_not_cached():
    _, snapshot = make_key()

    async def scenario() -> tuple[object, int]:
        registry = Registry(ProxyConfig.from_env({}), KeyRing([], "s"))
        fetches = 0
        release = asyncio.Event()

        async def fetch(digest: str) -> bytes:
            nonlocal fetches
            fetches += 1
            await release.wait()
            return snapshot.to_json()

        registry.fetch_key = fetch
        lookup = asyncio.create_task(registry.key(snapshot.digest))
        await asyncio.sleep(0)
        registry.evict_key(snapshot.digest)  # revoked while the fetch was in flight
        release.set()
        served = await lookup
        await registry.key(snapshot.digest)
        return served, fetches

    served, fetches = asyncio.run(scenario())
    assert served == snapshot
    assert fetches == 2  # the stale answer was not kept


def test_concurrent_misses_share_one_fetch_and_unknown_keys_are_remembered():
    async def scenario() -> int:
        registry = Registry(ProxyConfig.from_env({}), KeyRing([], "s"))
        fetches = 0

        async def fetch(digest: str) -> None:
            nonlocal fetches
            fetches += 1
            await asyncio.sleep(0.01)
            return None

        registry.fetch_key = fetch
        results = await asyncio.gather(*(registry.key("d") for _ in range(10)))
        assert results == [None] * 10
        assert await registry.key("d") is None
        return fetches

    assert asyncio.run(scenario()) == 1
