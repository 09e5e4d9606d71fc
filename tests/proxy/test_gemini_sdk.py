"""The official `google-genai` SDK against a native Gemini API through a real proxy: its default
`v1` paths and `v1beta` both answer, and a quota error's `RetryInfo` becomes `retry-after`."""

from __future__ import annotations

import openai
import pytest
from google import genai
from google.genai import errors, types

from proxy.contract import Operation
from tests.proxy.gateways import native_operations, unified_deployment
from tests.proxy.support import make_deployment

PROMPT = "Say hello to the gateway"


def native_gemini(mock_url: str, **options):
    operations = tuple(Operation(m, p) for m, p in native_operations("gemini"))
    return make_deployment(mock_url, vendor="gemini", operations=operations, **options)


def client(gateway, deployment, key: str, version: str | None) -> genai.Client:
    options = types.HttpOptions(
        base_url=gateway.base_url(deployment),
        retry_options=types.HttpRetryOptions(attempts=1),
        **({"api_version": version} if version else {}),
    )
    return genai.Client(api_key=key, http_options=options)


@pytest.mark.parametrize("version", [None, "v1", "v1beta"])
def test_sdk_generates_and_streams_on_both_api_versions(version, gateway, mock):
    deployment = native_gemini(mock.url)
    key = gateway.publish(deployment)
    sdk = client(gateway, deployment, key, version)
    answer = sdk.models.generate_content(model="gemini-mock", contents=PROMPT)
    assert answer.text == "Hello from the mock provider."
    streamed = "".join(
        chunk.text or ""
        for chunk in sdk.models.generate_content_stream(model="gemini-mock", contents=PROMPT)
    )
    assert streamed == "Hello from the mock provider."
    assert sdk.models.count_tokens(model="gemini-mock", contents=PROMPT).total_tokens == 5
    caller_version = version or "v1"  # the SDK's default
    paths = [r["path"] for r in mock.requests()]
    assert all(p.startswith(f"/gemini/{caller_version}/models/gemini-mock:") for p in paths)
    events = gateway.metered(deployment, 3)
    assert sorted(e["completion_tokens"] for e in events) == [0, 5, 5]


def test_the_endpoint_names_the_upstream_version(gateway, mock):
    deployment = native_gemini(mock.url, endpoint_settings={"api_version": "v1beta"})
    key = gateway.publish(deployment)
    sdk = client(gateway, deployment, key, "v1")
    sdk.models.generate_content(model="gemini-mock", contents=PROMPT)
    (request,) = mock.requests()
    assert request["path"] == "/gemini/v1beta/models/gemini-mock:generateContent"


def test_a_quota_error_gives_retry_after_from_retry_info(gateway, mock):
    deployment = native_gemini(mock.url)
    key = gateway.publish(deployment)
    sdk = client(gateway, deployment, key, None)
    with pytest.raises(errors.ClientError) as raised:
        sdk.models.generate_content(
            model="mock-error-429",
            contents=PROMPT,
            config=types.GenerateContentConfig(
                http_options=types.HttpOptions(headers={"x-mock-retry-delay": "16.2s"})
            ),
        )
    assert raised.value.code == 429
    assert raised.value.response.headers["retry-after"] == "17"


def test_unified_callers_get_retry_after_too(gateway, mock):
    deployment = unified_deployment(mock.url, "gemini")
    key = gateway.publish(deployment)
    sdk = openai.OpenAI(api_key=key, base_url=gateway.base_url(deployment), max_retries=0)
    with pytest.raises(openai.RateLimitError) as raised:
        sdk.chat.completions.create(
            model="mock-error-429", messages=[{"role": "user", "content": PROMPT}]
        )
    assert raised.value.response.headers["retry-after"] == "17"
