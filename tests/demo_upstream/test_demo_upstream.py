"""The demo upstream is an installed package that says what it is: a stand-in for vendors."""

from __future__ import annotations

import asyncio

import httpx

from demo_upstream.app import DemoUpstream

CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "two words"}]}


def call(app: DemoUpstream, method: str, path: str, **kwargs) -> httpx.Response:
    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://demo") as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(run())


def test_every_answer_is_labelled_a_stand_in() -> None:
    app = DemoUpstream()
    headers = {"authorization": "Bearer demo-key"}
    answer = call(app, "POST", "/openai/v1/chat/completions", json=CHAT, headers=headers)
    assert answer.status_code == 200
    assert answer.headers["x-demo-upstream"] == "stand-in"
    assert answer.json()["choices"][0]["message"]["content"] == "Hello from the mock provider."
    refused = call(app, "POST", "/openai/v1/chat/completions", json=CHAT)
    assert refused.status_code == 401
    assert refused.headers["x-demo-upstream"] == "stand-in"


def test_root_and_health_describe_it() -> None:
    app = DemoUpstream()
    about = call(app, "GET", "/").json()
    assert about["service"] == "tollgate-demo-upstream"
    assert "stand-in" in about["description"] and "not a real model" in about["description"]
    assert {"openai", "anthropic", "gemini", "cohere"} <= set(about["vendors"])
    health = call(app, "GET", "/_mock/health").json()
    assert health["status"] == "ok" and health["service"] == "tollgate-demo-upstream"


def test_requests_are_recorded_per_app_and_cleared() -> None:
    app, other = DemoUpstream(), DemoUpstream()
    call(app, "POST", "/openai/v1/chat/completions?x=1", json=CHAT, headers={"x-a": "b"})
    records = call(app, "GET", "/_mock/requests").json()["requests"]
    assert [(r["method"], r["path"], r["query"]) for r in records] == [
        ("POST", "/openai/v1/chat/completions", "x=1")
    ]
    assert records[0]["headers"]["x-a"] == "b" and records[0]["completed"] is True
    assert call(other, "GET", "/_mock/requests").json() == {"requests": []}
    assert call(app, "DELETE", "/_mock/requests").json() == {"cleared": True}
    assert call(app, "GET", "/_mock/requests").json() == {"requests": []}


def test_fault_switches_still_answer_in_the_vendor_format() -> None:
    app = DemoUpstream()
    forced = {**CHAT, "model": "mock-error-429"}
    answer = call(
        app,
        "POST",
        "/openai/v1/chat/completions",
        json=forced,
        headers={"authorization": "Bearer k"},
    )
    assert answer.status_code == 429
    assert answer.json()["error"]["type"] == "requests"
    unknown = call(app, "POST", "/nowhere/v1/chat", json=CHAT)
    assert unknown.status_code == 404
