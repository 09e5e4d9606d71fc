"""Issue 7, done when: a custom vendor created in the browser is used by an API (created,
configured, deployed and published in the browser) that a client calls through the real proxy,
with its tokens metered from the paths the admin configured."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from core.models import AiApi, UsageEvent
from core.services import access
from tests.publisher.browser.conftest import make_user, screenshot, sign_in
from tests.publisher.browser.test_flows import nav
from tests.publisher.browser.test_gateway import chat, set_key_deploy_and_publish

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PROVIDER_KEY = "echo-provider-key"
DEFINITION = """\
openapi: 3.0.3
info: {title: Echo LLM, version: v1}
paths:
  /chat/completions:
    post:
      summary: Chat with the echo model
      responses:
        200: {description: OK}
"""
USAGE_PATHS = {
    "Prompt tokens": "$.usage.prompt_tokens",
    "Completion tokens": "$.usage.completion_tokens",
    "Total tokens": "$.usage.total_tokens",
    "Request model": "$.model",
    "Response model": "$.model",
}


@pytest.fixture
def _fast_passwords():
    """The web process checks passwords with the default hasher, so keep it here."""


def eventually(check: Callable[[], object], timeout: float = 40.0) -> object:
    deadline = time.monotonic() + timeout
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.5)
    return result


def define_vendor_in_browser(page, base_url: str) -> None:
    nav(page, "AI vendors")
    expect(page.get_by_role("heading", name="Built-in vendors")).to_be_visible()
    page.get_by_role("link", name="Add a custom vendor").first.click()
    page.get_by_label("Name", exact=True).fill("Echo LLM")
    page.get_by_label("Version", exact=True).fill("v1")
    page.get_by_label("Description").fill("Our own model server, OpenAI-shaped.")
    page.get_by_label("Base URL").fill(base_url)
    expect(page.get_by_role("radio", name=re.compile("^A header"))).to_be_checked()
    expect(page.get_by_label("Header or query parameter name")).to_have_value("Authorization")
    expect(page.get_by_label("Prefix before the key")).to_have_value("Bearer ")
    page.get_by_label("Upload an OpenAPI document").set_input_files(
        files=[
            {"name": "openapi.yaml", "mimeType": "application/yaml", "buffer": DEFINITION.encode()}
        ]
    )
    for label, path in USAGE_PATHS.items():
        page.get_by_label(label, exact=True).fill(path)
    page.get_by_label("Total tokens", exact=True).fill("$..total_tokens")  # a typo first
    page.get_by_role("button", name="Create vendor").click()
    expect(page.locator("#id_usage_total_tokens_error")).to_be_visible()
    expect(page.get_by_label("Total tokens", exact=True)).to_have_attribute("aria-invalid", "true")
    screenshot(page, "30-vendor-field-error")

    # The browser does not send the file again; the page kept its text in the paste box.
    expect(page.get_by_label("…or paste it")).to_have_value(DEFINITION)
    page.get_by_label("Total tokens", exact=True).fill(USAGE_PATHS["Total tokens"])
    page.get_by_role("button", name="Create vendor").click()
    expect(page.get_by_role("status")).to_contain_text("Created the custom vendor Echo LLM.")
    expect(page.get_by_role("region", name="Custom vendors")).to_contain_text("Echo LLM")
    screenshot(page, "31-vendors")


def build_api_in_browser(page, stack) -> AiApi:
    nav(page, "Create AI API")
    page.get_by_label("AI provider", exact=True).select_option(label="Echo LLM (custom)")
    versions = page.get_by_label("Provider API version", exact=True)
    expect(versions).to_be_enabled()
    expect(versions.locator("option")).to_have_text(["v1"])
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("Endpoint", exact=True)).to_have_value(f"{stack.mock_url}/openai/v1")
    expect(page.locator("#api-type-tip")).to_contain_text("custom vendor")
    page.get_by_label("Name", exact=True).fill("Echo Chat")
    page.get_by_label("Context", exact=True).fill("{version}/echo")
    page.get_by_label("Version", exact=True).fill("1.0.0")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="Echo Chat")).to_be_visible()
    expect(page.locator(".operations")).to_contain_text("/chat/completions")

    nav(page, "Endpoints")
    expect(page.locator("#key-note")).to_contain_text("“Authorization” header as “Bearer <key>”")
    set_key_deploy_and_publish(page, PROVIDER_KEY)
    return AiApi.objects.get(name="Echo Chat")


def test_custom_vendor_from_the_browser_to_the_gateway(stack, new_page, personas):
    tenant = personas.tenant
    make_user(tenant, "ada", ["admin"])
    make_user(tenant, "nora", ["creator", "publisher"])
    admin = new_page(stack.web_url)
    sign_in(admin, "ada")
    define_vendor_in_browser(admin, f"{stack.mock_url}/openai/v1")

    page = new_page(stack.web_url)
    sign_in(page, "nora")
    api = build_api_in_browser(page, stack)
    assert api.vendor_version.vendor.tenant == tenant and api.vendor_version.driver == "custom"

    app = access.create_application(tenant=tenant, owner=personas.subscriber, name="Echo app")
    gold = tenant.plans.get(name="Gold")
    access.subscribe(app=app, api=api, plan=gold, actor=personas.subscriber)
    _key, plaintext = access.generate_key(app=app, key_type="production", actor=personas.subscriber)
    stack.clear_mock()
    url = stack.gateway_url(tenant.slug, api.resolved_context) + "/chat/completions"
    stack.sync()
    answer = chat(url, plaintext)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["choices"][0]["message"]["content"] and body["usage"]["total_tokens"] > 0

    [upstream] = stack.mock_requests()
    assert upstream["path"] == "/openai/v1/chat/completions"
    assert upstream["headers"]["authorization"] == f"Bearer {PROVIDER_KEY}"
    assert plaintext not in str(upstream)

    rows = eventually(lambda: list(UsageEvent.objects.filter(api_id=api.pk)))
    assert rows, "the usage event never reached the database"
    [row] = rows
    usage = body["usage"]
    assert (row.prompt_tokens, row.completion_tokens, row.total_tokens) == (
        usage["prompt_tokens"],
        usage["completion_tokens"],
        usage["total_tokens"],
    )
    assert (row.status, row.vendor, row.application_id) == (200, "echo-llm", app.pk)
    assert (row.model_requested, row.model_answered) == ("gpt-4o-mini", body["model"])
