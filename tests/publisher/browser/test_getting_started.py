"""WSO2's getting-started guide for AI APIs, walked in Chromium against the real stack: sign
in, Create AI API (provider and version; name, context, version), Endpoints with keys,
Deploy, Test in the publisher, Publish, the developer portal, Try Out, Get Test Key, Execute
the seed body. Along the way it checks what a new user tripped on: every form error at once,
the lifecycle badge without a reload, a confirmation before each destructive action, a
visible error when Try Out has no key, the key kept for the session and reused, and no page
scrolling sideways at 390 px. One screenshot per step, under test-artifacts/."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.models import AiApi, ApiKey
from tests.publisher.browser.conftest import make_user, sign_in
from tests.publisher.browser.test_flows import nav
from tests.support.browser import save_screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
REPLY = "Hello from the mock provider."
NARROW = 390
# Each destructive button asks first (components/confirm_dialog.html). The endpoint form's
# "Remove endpoint" belongs to the endpoint form's own rework and is not checked here.
UNCONFIRMED = """[...document.querySelectorAll('main button.danger, main button.link-danger')]
  .filter(b => !b.closest('[data-confirm]') && !b.hasAttribute('data-confirm'))
  .filter(b => !b.closest('dialog') && !b.closest('.confirm') && !b.closest('[id^=endpoint-]'))
  .map(b => b.textContent.trim())"""


@pytest.fixture
def _fast_passwords():
    """The web process checks passwords with the default hasher, so keep it here."""


def step(page, name: str) -> None:
    save_screenshot(page, "getting-started", name)
    assert "{#" not in page.inner_text("body"), f"{name}: a template comment shows"
    assert page.evaluate(UNCONFIRMED) == [], f"{name}: a destructive action acts at once"


def no_sideways_scroll(page, path: str) -> None:
    page.goto(path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {NARROW}px"


def create_api(page, stack) -> AiApi:
    nav(page, "Create AI API")
    page.get_by_label("AI provider", exact=True).select_option(label="OpenAI")
    versions = page.get_by_label("Provider API version", exact=True)
    expect(versions).to_have_value(re.compile(r"\d+"))
    step(page, "02-provider-and-version")
    page.get_by_role("button", name="Next").click()

    # Every error at once, the first field focused.
    page.get_by_label("Context", exact=True).fill("t/reserved")
    page.get_by_label("Version", exact=True).fill("not a version")
    page.get_by_role("button", name="Create").click()
    expect(page.locator("main .errors").first).to_contain_text("3 fields")
    for label in ("Name", "Context", "Version"):
        expect(page.get_by_label(label, exact=True)).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Name", exact=True)).to_be_focused()
    step(page, "03-every-error-at-once")

    page.get_by_label("Name", exact=True).fill("OpenAI API")
    page.get_by_label("Context", exact=True).fill("openaiapi")
    page.get_by_label("Version", exact=True).fill("2.3.0")
    page.get_by_label("Endpoint", exact=True).fill(f"{stack.mock_url}/openai/v1")
    step(page, "04-name-context-version")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("heading", name="OpenAI API")).to_be_visible()
    return AiApi.objects.get(name="OpenAI API")


def endpoints_deploy_and_test(page, stack) -> None:
    nav(page, "Endpoints")
    production = page.locator("#endpoint-production")
    production.get_by_label(re.compile("^Provider API key")).fill("mock-provider-key")
    production.get_by_role("button", name="Save production endpoint").click()
    expect(production.locator(".key-state")).to_contain_text("set")
    step(page, "05-endpoints-with-keys")

    nav(page, "Deploy")
    page.get_by_role("button", name="Create new revision").click()
    page.get_by_role("button", name="Deploy revision 1").click()
    expect(page.locator("#messages")).to_contain_text("Deployed revision 1 to Default.")
    page.get_by_role("button", name="Undeploy from Default").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Calls through Default fail")
    step(page, "06-deploy-and-a-confirmation")
    dialog.get_by_role("button", name="Cancel").click()
    expect(page.locator("#messages")).to_contain_text("Deployed revision 1")

    # Test, while the API is still Created, with the console's internal key.
    stack.sync()
    nav(page, "Test")
    execute_seed(page, "#op-post-chat-completions")
    step(page, "07-test-in-the-publisher")


def execute_seed(page, operation_id: str) -> None:
    operation = page.locator(operation_id)
    operation.get_by_role("button", name=re.compile("Create chat completion")).click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator("[data-status]")).to_have_text(re.compile("^200"))
    expect(operation.locator("[data-body-out]")).to_contain_text(REPLY)


def publish_without_reload(page) -> None:
    nav(page, "Lifecycle")
    expect(page.locator("#api-state-badge")).to_have_text("Created")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#current-state")).to_have_text("Published")
    expect(page.locator("#api-state-badge")).to_have_text("Published")
    assert page.evaluate("window.stillTheSamePage === true")
    step(page, "08-published-badge-updated")


def try_out(page, api: AiApi) -> None:
    page.get_by_role("link", name="Developer portal").click()
    step(page, "09-devportal")
    page.get_by_role("link", name="OpenAI API").click()
    page.get_by_role("link", name="Try Out").click()
    operation = page.locator("#op-post-chat-completions")
    operation.get_by_role("button", name=re.compile("Create chat completion")).click()
    operation.get_by_role("button", name="Try it out").click()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.get_by_role("alert")).to_contain_text("No API key")
    expect(page.get_by_role("button", name="Get Test Key")).to_be_focused()
    step(page, "10-execute-without-a-key")

    page.get_by_role("button", name="Get Test Key").click()
    expect(page.locator(".issued")).to_contain_text("Test key ready")
    key = page.get_by_label("API key", exact=True).input_value()
    step(page, "11-get-test-key")
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator("[data-status]")).to_have_text(re.compile("^200"))
    expect(operation.locator("[data-body-out]")).to_contain_text(REPLY)
    step(page, "12-execute-the-seed-body")

    # Kept for the session; Get Test Key hands the same live key back.
    page.reload()
    expect(page.get_by_label("API key", exact=True)).to_have_value(key)
    page.get_by_role("button", name="Get Test Key").click()
    expect(page.locator(".issued")).to_contain_text("still valid")
    expect(page.get_by_label("API key", exact=True)).to_have_value(key)
    live = ApiKey.objects.filter(is_test_key=True, console_api=None, revoked_at__isnull=True)
    assert live.count() == 1


def narrow_pages(new_page, stack, api: AiApi) -> None:
    page = new_page(stack.web_url, width=NARROW, height=844)
    sign_in(page, "wso2")
    app = api.subscriptions.get().application
    paths = [
        "/publisher/",
        *(
            f"/publisher/apis/{api.uuid}/{tail}"
            for tail in ("", "endpoints/", "policies/", "gateway/", "deploy/", "test/",
                         "lifecycle/", "subscriptions/", "analytics/")
        ),
        "/publisher/settings/members/",
        "/publisher/settings/plans/",
        "/publisher/settings/environments/",
        "/publisher/settings/vendors/",
        "/devportal/",
        f"/devportal/apis/{api.uuid}/",
        f"/devportal/apis/{api.uuid}/try-out/",
        "/devportal/applications/",
        f"/devportal/applications/{app.pk}/",
        f"/devportal/applications/{app.pk}/usage/",
        "/accounts/tokens/",
    ]  # fmt: skip
    for path in paths:
        no_sideways_scroll(page, path)
    page.goto(f"/devportal/apis/{api.uuid}/try-out/")
    execute_seed_with_key(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the Try Out answer scrolls sideways by {overflow}px"
    step(page, "13-try-out-at-390px")


def execute_seed_with_key(page) -> None:
    page.get_by_role("button", name="Get Test Key").click()
    expect(page.locator(".issued")).to_be_visible()
    execute_seed(page, "#op-post-chat-completions")


def test_wso2_getting_started_guide(stack, new_page, personas):
    make_user(personas.tenant, "wso2", ["admin"])
    page = new_page(stack.web_url)
    sign_in(page, "wso2")
    step(page, "01-signed-in")
    api = create_api(page, stack)
    endpoints_deploy_and_test(page, stack)
    publish_without_reload(page)
    stack.sync()
    try_out(page, api)
    narrow_pages(new_page, stack, api)
