"""Retrieval on the data plane: passages of the API's tenant's collections reach the vendor in
a system block, the sources come back (header, extension field, usage row), another tenant's
collection is never searched, and a republished index drops a deleted document at once."""

from __future__ import annotations

from dataclasses import replace

import anthropic
import httpx
import openai
import orjson

from tests.proxy.gateways import unified_deployment
from tests.proxy.knowledge.indexes import build_index, publish_and_wait
from tests.proxy.support import eventually, make_deployment, next_id

REFUNDS = (
    "Refunds",
    "Annual plans are refunded in full within 30 days of purchase; after that, no refund.",
)
SHIPPING = ("Shipping", "Parcels ship from Rotterdam every weekday and arrive in 2 to 4 days.")
GREETING = ("Greeting", "The mock provider says hello to everyone who writes to it.")
SECRET = ("Globex secret", "Annual plans at Globex are refunded with a secret coupon code.")
QUESTION = "Can I get my money back for an annual plan?"


def grounded_api(mock_url: str, collection: str, tenant_id: int, **knowledge):
    deployment = make_deployment(mock_url, tenant_id=tenant_id)
    settings = {"knowledge": {"collections": [collection], "top_k": 2, **knowledge}}
    return replace(deployment, gateway_settings=settings)


def upstream_messages(mock) -> list[dict]:
    return orjson.loads(mock.requests()[-1]["body"])["messages"]


def chat(gateway, deployment, key: str, messages: list[dict]) -> httpx.Response:
    return httpx.post(
        f"{gateway.base_url(deployment)}/chat/completions",
        json={"model": "gpt-4o-mini", "messages": messages},
        headers={"Authorization": f"Bearer {key}"},
        timeout=10,
    )


def test_passages_reach_the_vendor_and_sources_come_back(gateway, mock):
    tenant, slug = next_id(), f"handbook-{next_id()}"
    publish_and_wait(gateway, build_index(tenant, slug, {11: REFUNDS, 12: SHIPPING}))
    deployment = grounded_api(mock.url, slug, tenant)
    key = gateway.publish(deployment)
    client = openai.OpenAI(api_key=key, base_url=gateway.base_url(deployment), max_retries=0)
    with client:
        raw = client.chat.completions.with_raw_response.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": QUESTION}]
        )
    completion = raw.parse()

    system = upstream_messages(mock)[0]
    assert system["role"] == "system"
    assert "[1] Refunds\n" + REFUNDS[1] in system["content"]
    assert raw.headers["x-tollgate-knowledge-sources"].startswith(f"{slug}/11#0;score=")
    sources = completion.model_extra["tollgate"]["sources"]
    assert sources[0]["document_id"] == 11 and sources[0]["title"] == "Refunds"
    assert sources[0]["score"] >= 0.2
    [event] = gateway.metered(deployment, 1)
    assert orjson.loads(event["knowledge"])["sources"][0]["document_id"] == 11


def test_another_tenants_collection_is_never_searched(gateway, mock):
    mine, theirs, slug = next_id(), next_id(), f"faq-{next_id()}"
    publish_and_wait(gateway, build_index(theirs, slug, {21: SECRET}))
    publish_and_wait(gateway, build_index(mine, slug, {22: SHIPPING}))
    deployment = grounded_api(mock.url, slug, mine, min_score=-1)
    key = gateway.publish(deployment)

    response = chat(gateway, deployment, key, [{"role": "user", "content": QUESTION}])

    assert response.status_code == 200, response.text
    assert "secret coupon" not in mock.requests()[-1]["body"]
    assert [s["document_id"] for s in response.json()["tollgate"]["sources"]] == [22]


def test_a_deleted_document_stops_being_retrieved(gateway, mock):
    tenant, slug = next_id(), f"docs-{next_id()}"
    publish_and_wait(gateway, build_index(tenant, slug, {31: REFUNDS, 32: SHIPPING}))
    deployment = grounded_api(mock.url, slug, tenant)
    key = gateway.publish(deployment)
    question = [{"role": "user", "content": QUESTION}]
    chat(gateway, deployment, key, question)
    assert "refunded in full" in mock.requests()[-1]["body"]

    publish_and_wait(gateway, build_index(tenant, slug, {32: SHIPPING}))  # 31 deleted

    def gone() -> bool:
        chat(gateway, deployment, key, question)
        return "refunded in full" not in mock.requests()[-1]["body"]

    assert eventually(gone, timeout=5)


def test_nothing_below_the_minimum_score_is_placed(gateway, mock):
    tenant, slug = next_id(), f"min-{next_id()}"
    publish_and_wait(gateway, build_index(tenant, slug, {41: SHIPPING}))
    deployment = grounded_api(mock.url, slug, tenant, min_score=0.99)
    key = gateway.publish(deployment)

    response = chat(gateway, deployment, key, [{"role": "user", "content": QUESTION}])

    assert response.headers["x-tollgate-knowledge-sources"] == ""
    assert "tollgate" not in response.json()
    assert [m["role"] for m in upstream_messages(mock)] == ["user"]


def test_the_conversation_strategy_searches_earlier_turns(gateway, mock):
    tenant, slug = next_id(), f"conv-{next_id()}"
    publish_and_wait(gateway, build_index(tenant, slug, {51: REFUNDS, 52: SHIPPING}))
    turns = [
        {"role": "user", "content": "How long do parcels take to arrive from Rotterdam?"},
        {"role": "assistant", "content": "Let me check."},
        {"role": "user", "content": "Thanks, go on."},
    ]
    last_only = grounded_api(mock.url, slug, tenant, top_k=1)
    whole = grounded_api(mock.url, slug, tenant, top_k=1, strategy="conversation")
    key = gateway.publish(last_only)
    other_key = gateway.publish(whole)

    chat(gateway, whole, other_key, turns)
    assert "[1] Shipping" in upstream_messages(mock)[0]["content"]
    chat(gateway, last_only, key, turns)
    assert [m["role"] for m in upstream_messages(mock)] == ["user", "assistant", "user"]


def test_the_rewrite_strategy_searches_the_models_query(gateway, mock):
    """The mock model answers every request with "Hello from the mock provider.": the rewrite
    call gets that answer, so the greeting passage is found although the user asked about
    refunds."""
    tenant, slug = next_id(), f"rewrite-{next_id()}"
    publish_and_wait(gateway, build_index(tenant, slug, {61: REFUNDS, 62: GREETING}))
    deployment = grounded_api(mock.url, slug, tenant, top_k=1, strategy="rewrite")
    key = gateway.publish(deployment)
    mock.clear()

    response = chat(gateway, deployment, key, [{"role": "user", "content": QUESTION}])

    rewrite, answer = (orjson.loads(r["body"]) for r in mock.requests())
    assert rewrite["messages"][0]["content"].startswith("Rewrite the user's last message")
    assert QUESTION in rewrite["messages"][1]["content"]
    assert "[1] Greeting" in answer["messages"][0]["content"]
    assert response.json()["tollgate"]["sources"][0]["document_id"] == 62
    [event] = gateway.metered(deployment, 1)
    assert orjson.loads(event["knowledge"])["rewrite_tokens"] > 0


def test_the_rerank_step_lifts_exact_terms(gateway, mock):
    tenant, slug = next_id(), f"rerank-{next_id()}"
    code = ("Error E-4711", "Error E-4711 means the card was declined by the bank.")
    publish_and_wait(gateway, build_index(tenant, slug, {71: REFUNDS, 72: SHIPPING, 73: code}))
    deployment = grounded_api(mock.url, slug, tenant, top_k=1, min_score=-1, rerank=True)
    key = gateway.publish(deployment)

    response = chat(gateway, deployment, key, [{"role": "user", "content": "What is E-4711?"}])

    assert response.json()["tollgate"]["sources"][0]["document_id"] == 73


def test_anthropic_messages_get_the_passages_in_system(gateway, mock):
    tenant, slug = next_id(), f"claude-{next_id()}"
    publish_and_wait(gateway, build_index(tenant, slug, {81: REFUNDS, 82: SHIPPING}))
    settings = {"knowledge": {"collections": [slug], "top_k": 1}}
    deployment = unified_deployment(
        mock.url, "anthropic", gateway_settings=settings, tenant_id=tenant
    )
    key = gateway.publish(deployment)
    with anthropic.Anthropic(api_key=key, base_url=gateway.base_url(deployment)) as client:
        raw = client.messages.with_raw_response.create(
            model="claude-x",
            max_tokens=20,
            system="Be brief.",
            messages=[{"role": "user", "content": QUESTION}],
        )

    system = orjson.loads(mock.requests()[-1]["body"])["system"]
    assert system.startswith("Be brief.\n\n") and "[1] Refunds" in system
    assert raw.headers["x-tollgate-knowledge-sources"].startswith(f"{slug}/81#0")
