"""The whole stack: a publisher creates, configures, deploys and publishes an API in the
browser; an application calls it through the proxy; the analytics page charts that usage."""

from __future__ import annotations

import re
import time

import httpx
import pytest
from playwright.sync_api import expect

from core.models import AiApi
from core.services import access
from tests.publisher.browser.conftest import make_user, screenshot, sign_in
from tests.publisher.browser.test_flows import create_api_in_browser, nav

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PROVIDER_KEY = "mock-provider-key"
CALLS = 5


@pytest.fixture
def _fast_passwords():
    """The web process checks passwords with the default hasher, so keep it here."""


def publish_in_browser(page, stack) -> AiApi:
    create_api_in_browser(page, "Gateway Check", "{version}/gwcheck", "1.0.0")
    page.get_by_label("Endpoint", exact=True).fill(f"{stack.mock_url}/openai/v1")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Gateway Check")).to_be_visible()

    nav(page, "Endpoints")
    set_key_deploy_and_publish(page, PROVIDER_KEY)
    return AiApi.objects.get(name="Gateway Check")


def set_key_deploy_and_publish(page, provider_key: str) -> None:
    """On an API's Endpoints page: set the production key, deploy revision 1, publish."""
    production = page.locator("#endpoint-production")
    production.get_by_label(re.compile("^Provider API key")).fill(provider_key)
    production.get_by_role("button", name="Save production endpoint").click()
    expect(production.locator(".key-state")).to_contain_text("set")

    nav(page, "Deploy")
    page.get_by_role("button", name="Create new revision").click()
    page.get_by_role("button", name="Deploy revision 1").click()
    expect(page.locator("#messages")).to_contain_text("Deployed revision 1 to Default.")

    nav(page, "Lifecycle")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#current-state")).to_have_text("Published")


def chat(url: str, key: str) -> httpx.Response:
    body = {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "Say this is a test!"}],
    }
    return httpx.post(url, json=body, headers={"Authorization": f"Bearer {key}"}, timeout=10)


def wait_for_requests(page, url: str, expected: int, deadline: float) -> None:
    """Usage reaches the charts through the worker (ingest, then rollup): reload until it does."""
    requests = page.locator(".stat").first.locator(".value")
    while True:
        page.goto(url)
        if int(requests.inner_text().replace(",", "")) >= expected:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"analytics still shows {requests.inner_text()} requests")
        time.sleep(2)


def test_portal_and_gateway_agree(stack, new_page, personas):
    tenant = personas.tenant
    make_user(tenant, "nora", ["creator", "publisher"])
    page = new_page(stack.web_url)
    sign_in(page, "nora")
    api = publish_in_browser(page, stack)

    app = access.create_application(tenant=tenant, owner=personas.subscriber, name="E2E app")
    access.subscribe(
        app=app, api=api, plan=tenant.plans.get(name="Gold"), actor=personas.subscriber
    )
    _key, plaintext = access.generate_key(app=app, key_type="production", actor=personas.subscriber)
    stack.clear_mock()
    url = stack.gateway_url(tenant.slug, api.resolved_context) + "/chat/completions"
    stack.sync()  # the deployment and the key have reached the gateway
    first = chat(url, plaintext)
    assert first.status_code == 200, first.text
    assert first.json()["choices"][0]["message"]["content"]
    for _ in range(CALLS - 1):
        assert chat(url, plaintext).status_code == 200

    upstream = stack.mock_requests()
    assert len(upstream) == CALLS
    authorization = upstream[0]["headers"].get("authorization")
    assert authorization == f"Bearer {PROVIDER_KEY}"  # the provider's key, never the caller's
    assert plaintext not in str(upstream)

    analytics = f"/publisher/apis/{api.uuid}/analytics/?range=1h"
    wait_for_requests(page, analytics, CALLS, deadline=time.monotonic() + 90)
    drawn = page.evaluate(
        "[...document.querySelectorAll('canvas[data-chart]')]"
        ".map(c => Chart.getChart(c) ? Chart.getChart(c).data.datasets[0].data"
        ".reduce((a, b) => a + (b || 0), 0) : -1)"
    )
    assert len(drawn) == 3 and drawn[0] >= CALLS  # requests chart sums the calls
    expect(page.get_by_role("region", name="Top applications")).to_contain_text("E2E app")
    expect(page.get_by_role("region", name="Top models")).to_contain_text("gpt-4o-mini")
    screenshot(page, "20-analytics-live")
