"""Pools on real proxy processes: failover before the first byte, never after it; usage names
the target and the attempts."""

from __future__ import annotations

import httpx
import pytest
from openai import OpenAI

from tests.proxy.gateways import MESSAGES, REPLY, Gateway
from tests.proxy.routing_support import Spec, hits, pool_deployment, set_fault

FAULTS = {
    "429": {"status": 429, "retry_after": 1},
    "5xx": {"status": 503},
    "timeout": {"delay": 5},
}
CHAT = {"model": "gpt-4o-mini", "messages": MESSAGES}


def chat(gateway: Gateway, deployment, key: str, **extra) -> httpx.Response:
    return httpx.post(
        f"{gateway.base_url(deployment)}/chat/completions",
        json={**CHAT, **extra},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    )


@pytest.mark.parametrize("kind", ["429", "5xx", "timeout", "connect"])
def test_each_failure_kind_fails_over_to_the_next_target(gateway: Gateway, mock, kind: str):
    deployment, names = pool_deployment(
        mock.url,
        [Spec("first", refused=kind == "connect"), Spec("second", priority=1)],
        routing={"attempt_timeout_seconds": 1.0},
    )
    if kind in FAULTS:
        set_fault(mock.url, names["first"], **FAULTS[kind])
    key = gateway.publish(deployment)

    response = chat(gateway, deployment, key)

    assert response.status_code == 200, response.text
    assert response.json()["choices"][0]["message"]["content"] == REPLY
    requests = mock.requests()
    assert hits(requests, names["second"]) == 1
    assert hits(requests, names["first"]) == (0 if kind == "connect" else 1)
    (event,) = gateway.metered(deployment, 1)
    assert event["status"] == 200
    assert event["target"] == names["second"]
    assert event["attempts"] == 2
    assert event["failovers"] == f"{names['first']}:{kind}"
    assert event["model_answered"] == "gpt-4o-mini-2024-07-18"


def test_a_failure_not_in_retry_on_goes_to_the_caller(gateway: Gateway, mock):
    deployment, names = pool_deployment(
        mock.url,
        [Spec("first"), Spec("second", priority=1)],
        routing={"retry_on": ["connect", "timeout"]},
    )
    set_fault(mock.url, names["first"], status=503)
    key = gateway.publish(deployment)

    response = chat(gateway, deployment, key)

    assert response.status_code == 503
    assert hits(mock.requests(), names["second"]) == 0
    (event,) = gateway.metered(deployment, 1)
    assert (event["target"], event["attempts"], event["failovers"]) == (names["first"], 1, "")


def test_when_every_target_fails_the_caller_gets_the_last_answer(gateway: Gateway, mock):
    deployment, names = pool_deployment(mock.url, [Spec("first"), Spec("second", priority=1)])
    set_fault(mock.url, names["first"], status=503)
    set_fault(mock.url, names["second"], status=502)
    key = gateway.publish(deployment)

    response = chat(gateway, deployment, key)

    assert response.status_code == 502
    assert response.json()["error"]["message"] == "Injected 502."
    (event,) = gateway.metered(deployment, 1)
    assert event["attempts"] == 2
    assert event["failovers"] == f"{names['first']}:5xx,{names['second']}:5xx"


def test_max_attempts_bounds_the_targets_tried(gateway: Gateway, mock):
    specs = [Spec("a"), Spec("b", priority=1), Spec("c", priority=2)]
    deployment, names = pool_deployment(mock.url, specs, routing={"max_attempts": 2})
    for label in ("a", "b"):
        set_fault(mock.url, names[label], status=500)
    key = gateway.publish(deployment)

    assert chat(gateway, deployment, key).status_code == 500
    assert hits(mock.requests(), names["c"]) == 0


def test_no_retry_after_the_first_streamed_byte(gateway: Gateway, mock):
    deployment, names = pool_deployment(mock.url, [Spec("first"), Spec("second", priority=1)])
    set_fault(mock.url, names["first"], cut_after=1)
    key = gateway.publish(deployment)

    with httpx.stream(
        "POST",
        f"{gateway.base_url(deployment)}/chat/completions",
        json={**CHAT, "stream": True},
        headers={"Authorization": f"Bearer {key}"},
        timeout=30,
    ) as response:
        assert response.status_code == 200
        body = response.read().decode()

    assert '"error"' in body  # the break ends in-band, never cleanly, and is not replayed
    requests = mock.requests()
    assert hits(requests, names["first"]) == 1
    assert hits(requests, names["second"]) == 0
    (event,) = gateway.metered(deployment, 1)
    assert (event["attempts"], event["stream_cut"]) == (1, "upstream_closed")


def test_openai_target_failing_over_to_anthropic_answers_in_openai_shape(gateway: Gateway, mock):
    deployment, names = pool_deployment(
        mock.url,
        [Spec("openai"), Spec("claude", vendor="anthropic", priority=1, model="claude-3-5-haiku")],
        unified=True,
    )
    set_fault(mock.url, names["openai"], status=503)
    key = gateway.publish(deployment)
    client = OpenAI(base_url=gateway.base_url(deployment), api_key=key, max_retries=0)

    completion = client.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES)

    assert completion.object == "chat.completion"
    assert completion.choices[0].message.content == REPLY
    assert completion.usage is not None and completion.usage.total_tokens > 0
    (claude,) = [r for r in mock.requests() if r.get("target") == names["claude"]]
    assert claude["path"] == "/anthropic/v1/messages"
    assert '"model":"claude-3-5-haiku"' in claude["body"].replace(" ", "")
    (event,) = gateway.metered(deployment, 1)
    assert event["target"] == names["claude"]
    assert event["model_answered"].startswith("claude-3-5-haiku")


def test_weights_share_the_calls_of_one_process(gateway: Gateway, mock):
    deployment, names = pool_deployment(mock.url, [Spec("heavy", weight=3), Spec("light")])
    key = gateway.publish(deployment)

    for _ in range(20):
        assert chat(gateway, deployment, key).status_code == 200

    requests = mock.requests()
    assert (hits(requests, names["heavy"]), hits(requests, names["light"])) == (15, 5)


def test_sticky_header_keeps_a_session_on_one_target(gateway: Gateway, mock):
    specs = [Spec("a"), Spec("b"), Spec("c")]
    deployment, names = pool_deployment(mock.url, specs, routing={"strategy": "sticky"})
    key = gateway.publish(deployment)

    for _ in range(6):
        response = httpx.post(
            f"{gateway.base_url(deployment)}/chat/completions",
            json=CHAT,
            headers={"Authorization": f"Bearer {key}", "x-session-id": "user-7"},
            timeout=30,
        )
        assert response.status_code == 200

    requests = mock.requests()
    assert sorted(hits(requests, name) for name in names.values()) == [0, 0, 6]
