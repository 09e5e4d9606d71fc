"""The official `openai` SDK as the client, for every vendor, streaming and not."""

from __future__ import annotations

import openai
import orjson
import pytest

from tests.proxy.support import eventually, make_deployment, provider_key
from tests.proxy.test_proxy_forwarding import publish

VENDOR_AUTH = {
    "openai": ("authorization", "Bearer {}"),
    "azure": ("api-key", "{}"),
    "mistral": ("authorization", "Bearer {}"),
}


@pytest.mark.parametrize("vendor", ["openai", "azure", "mistral"])
def test_sdk_chat_and_stream(vendor, proxy, mock, registry):
    secret = provider_key(vendor)
    settings = {"deployment": "gpt-4o-mini"} if vendor == "azure" else None
    deployment = make_deployment(
        mock.url, vendor=vendor, production_key=secret, endpoint_settings=settings
    )
    key = publish(registry, [proxy], deployment)
    client = openai.OpenAI(api_key=key, base_url=f"{proxy.url}/{deployment.route}", max_retries=0)
    messages = [{"role": "user", "content": "tell me a joke"}]

    completion = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    stream = client.chat.completions.create(
        model="gpt-4o-mini", messages=messages, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    client.close()

    assert completion.choices[0].message.content == "Hello from the mock provider."
    assert completion.usage.total_tokens == 9
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Hello from the mock provider."
    assert [c.usage.total_tokens for c in chunks if c.usage] == [9]
    header, template = VENDOR_AUTH[vendor]
    for received in mock.requests():
        assert received["headers"][header] == template.format(secret)
        assert key not in orjson.dumps(received).decode()

    def metered() -> list[dict] | None:
        events = [
            e
            for e in registry.usage_events()
            if e["api_id"] == deployment.api_id and e["status"] == 200
        ]
        return events if len(events) == 2 else None

    events = eventually(metered)
    assert sorted(e["streamed"] for e in events) == [False, True]
    assert all(e["total_tokens"] == 9 for e in events)
