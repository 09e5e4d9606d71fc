"""Forwarding through a real proxy to the mock provider: URL, auth, headers, bodies, usage."""

from __future__ import annotations

import httpx
import orjson

from tests.proxy.support import (
    eventually,
    make_deployment,
    make_key,
    provider_key,
    wait_synced,
)


def publish(registry, proxies, deployment, **key_options):
    """Deploy on the proxies, subscribe a fresh key, return the key."""
    registry.put_deployment(deployment)
    plain, snapshot = make_key(subscriptions={deployment.api_id: "ACTIVE"}, **key_options)
    registry.put_key(snapshot)
    for process in proxies:
        wait_synced(process.url, registry)
    return plain


def usage_event(registry, request_id: str) -> dict:
    def find():
        return next((e for e in registry.usage_events() if e["request_id"] == request_id), None)

    return eventually(find)


def chat(model: str = "gpt-4o-mini", **extra) -> dict:
    return {"model": model, "messages": [{"role": "user", "content": "say hi please"}], **extra}


def test_openai_call_injects_provider_key_and_meters(proxy, mock, registry):
    secret = provider_key("openai")
    deployment = make_deployment(mock.url, production_key=secret)
    key = publish(registry, [proxy], deployment)

    response = httpx.post(
        f"{proxy.url}/{deployment.route}/chat/completions?trace=1",
        json=chat(),
        headers={
            "Authorization": f"Bearer {key}",
            "x-custom": "kept",
            "connection": "keep-alive",
            "cookie": "session=1",
        },
    )

    assert response.status_code == 200, response.text
    assert response.json()["choices"][0]["message"]["content"] == "Hello from the mock provider."
    request_id = response.headers["x-request-id"]
    assert response.headers["x-upstream-request-id"] == "req_mock_upstream"
    [received] = mock.requests()
    assert received["path"] == "/openai/v1/chat/completions"
    assert received["query"] == "trace=1"
    assert received["headers"]["authorization"] == f"Bearer {secret}"
    assert received["headers"]["x-custom"] == "kept"
    assert "cookie" not in received["headers"]
    assert key not in orjson.dumps(received).decode()
    event = usage_event(registry, request_id)
    assert (event["prompt_tokens"], event["completion_tokens"], event["total_tokens"]) == (3, 5, 8)
    assert event["model_requested"] == "gpt-4o-mini"
    assert event["model_answered"] == "gpt-4o-mini-2024-07-18"
    assert event["api_id"] == deployment.api_id
    assert event["status"] == 200 and event["streamed"] is False
    assert event["upstream_latency_ms"] > 0 and event["total_latency_ms"] > 0
    line = eventually(
        lambda: next(
            (
                orjson.loads(line)
                for line in proxy.log.read_bytes().split(b"\n")
                if request_id.encode() in line
            ),
            None,
        )
    )
    assert (line["status"], line["total_tokens"], line["api_id"]) == (200, 8, deployment.api_id)
    assert key not in proxy.log.read_text() and secret not in proxy.log.read_text()


def test_apikey_header_authenticates(proxy, mock, registry):
    deployment = make_deployment(mock.url)
    key = publish(registry, [proxy], deployment)
    response = httpx.post(
        f"{proxy.url}/{deployment.route}/chat/completions", json=chat(), headers={"apikey": key}
    )
    assert response.status_code == 200
    assert "apikey" not in mock.requests()[0]["headers"]


def test_azure_url_api_version_and_api_key_header(proxy, mock, registry):
    secret = provider_key("azure")
    deployment = make_deployment(
        mock.url,
        vendor="azure",
        production_key=secret,
        endpoint_settings={"deployment": "gpt4o-prod"},
    )
    key = publish(registry, [proxy], deployment)

    response = httpx.post(
        f"{proxy.url}/{deployment.route}/chat/completions?x=1",
        json=chat("ignored"),
        headers={"Authorization": f"Bearer {key}"},
    )

    assert response.status_code == 200, response.text
    [received] = mock.requests()
    assert received["path"] == "/azure/openai/deployments/gpt4o-prod/chat/completions"
    assert received["query"] == "x=1&api-version=2024-10-21"
    assert received["headers"]["api-key"] == secret
    assert "authorization" not in received["headers"]
    event = usage_event(registry, response.headers["x-request-id"])
    assert event["total_tokens"] == 8 and event["vendor"] == "azure-openai"


def test_azure_deployment_from_model_and_models_listing(proxy, mock, registry):
    deployment = make_deployment(
        mock.url, vendor="azure", endpoint_settings={"api_version": "2025-01-01-preview"}
    )
    key = publish(registry, [proxy], deployment)
    headers = {"Authorization": f"Bearer {key}"}

    chat_response = httpx.post(
        f"{proxy.url}/{deployment.route}/chat/completions",
        json=chat("my-deployment"),
        headers=headers,
    )
    models = httpx.get(f"{proxy.url}/{deployment.route}/models", headers=headers)

    assert chat_response.status_code == 200 and models.status_code == 200
    first, second = mock.requests()
    assert first["path"] == "/azure/openai/deployments/my-deployment/chat/completions"
    assert first["query"] == "api-version=2025-01-01-preview"
    assert second["path"] == "/azure/openai/models"


def test_mistral_uses_bearer_and_is_not_sent_stream_options(proxy, mock, registry):
    secret = provider_key("mistral")
    deployment = make_deployment(mock.url, vendor="mistral", production_key=secret)
    key = publish(registry, [proxy], deployment)

    with httpx.stream(
        "POST",
        f"{proxy.url}/{deployment.route}/chat/completions",
        json=chat("mistral-small-latest", stream=True),
        headers={"Authorization": f"Bearer {key}"},
    ) as response:
        body = response.read()
        request_id = response.headers["x-request-id"]

    [received] = mock.requests()
    assert received["headers"]["authorization"] == f"Bearer {secret}"
    assert "stream_options" not in orjson.loads(received["body"])
    assert b'"usage":{"prompt_tokens":3' in body  # Mistral's own last chunk stays
    event = usage_event(registry, request_id)
    assert event["streamed"] is True and event["total_tokens"] == 8


def test_upstream_errors_pass_through_with_status_and_body(proxy, mock, registry):
    deployment = make_deployment(mock.url)
    azure = make_deployment(mock.url, vendor="azure")
    key = publish(registry, [proxy], deployment)
    azure_key = publish(registry, [proxy], azure)

    openai_error = httpx.post(
        f"{proxy.url}/{deployment.route}/chat/completions",
        json=chat("mock-error-429"),
        headers={"apikey": key},
    )
    azure_error = httpx.post(
        f"{proxy.url}/{azure.route}/chat/completions",
        json=chat("missing-deployment"),
        headers={"apikey": azure_key},
    )

    assert openai_error.status_code == 429
    assert openai_error.json()["error"]["type"] == "requests"
    assert azure_error.status_code == 404
    assert azure_error.json() == {
        "error": {
            "code": "DeploymentNotFound",
            "message": "The API deployment for this resource does not exist.",
        }
    }
    event = usage_event(registry, openai_error.headers["x-request-id"])
    assert event["status"] == 429 and event["error_code"] == ""


def test_embeddings_and_models(proxy, mock, registry):
    deployment = make_deployment(mock.url)
    key = publish(registry, [proxy], deployment)
    headers = {"Authorization": f"Bearer {key}"}

    embeddings = httpx.post(
        f"{proxy.url}/{deployment.route}/embeddings",
        json={"model": "text-embedding-3-small", "input": ["a b", "c"]},
        headers=headers,
    )
    model = httpx.get(f"{proxy.url}/{deployment.route}/models/gpt-4o", headers=headers)

    assert embeddings.status_code == 200 and len(embeddings.json()["data"]) == 2
    assert model.json()["id"] == "gpt-4o"
    event = usage_event(registry, embeddings.headers["x-request-id"])
    assert (event["prompt_tokens"], event["total_tokens"]) == (3, 3)


def test_sandbox_key_calls_the_sandbox_endpoint(proxy, mock, registry):
    sandbox_secret = provider_key("sandbox")
    deployment = make_deployment(mock.url, sandbox_key=sandbox_secret)
    key = publish(registry, [proxy], deployment, key_type="sandbox")
    response = httpx.post(
        f"{proxy.url}/{deployment.route}/chat/completions", json=chat(), headers={"apikey": key}
    )
    assert response.status_code == 200
    assert mock.requests()[0]["headers"]["authorization"] == f"Bearer {sandbox_secret}"
    assert usage_event(registry, response.headers["x-request-id"])["key_type"] == "sandbox"
