"""A new developer drives the portal in Chromium against the real stack (web, proxy, worker,
mock provider): flows 1-8 of issue 6, the Try Out seed flow streamed and not, a portal key
used with the official `openai` SDK, revocation failing at the proxy, usage in the charts.
"""

from __future__ import annotations

import json
import re
import time

import openai
import pytest
from playwright.sync_api import expect

from tests.devportal.browser.conftest import PASSWORD, screenshot, sign_in
from tests.devportal.browser.slow_upstream import WORDS, slow_upstream
from tests.support.browser import confirm

pytestmark = pytest.mark.django_db(transaction=True)
KEY = re.compile(r"^tg_p_[A-Za-z0-9]{44}$")
REPLY = "Hello from the mock provider."


def gateway_url(stack, api) -> str:
    return f"{stack.proxy_url}/t/{api.tenant.slug}/{api.resolved_context}"


def sign_up(page, tenant_slug: str, username: str) -> None:
    page.goto(f"/accounts/signup/{tenant_slug}/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Email").fill(f"{username}@example.test")
    page.get_by_label("Password").fill(PASSWORD)
    screenshot(page, "00-sign-up")
    page.get_by_role("button", name="Create account").click()


def test_browse_and_try_out_as_a_new_developer(new_page, stack, published):
    page = new_page(stack.web_url)
    sign_up(page, "acme", "dana")

    # 1. Browse: published and deprecated APIs, another tenant's is nowhere.
    expect(page.get_by_role("heading", name="APIs", exact=True)).to_be_visible()
    results = page.locator("#catalog-results")
    expect(results).to_contain_text("Support Assistant")
    expect(results.locator(".api-card", has_text="Legacy Chat")).to_contain_text("Deprecated")
    expect(results).not_to_contain_text("Globex Secret")
    screenshot(page, "01-api-list")
    page.get_by_label("Search", exact=True).fill("legacy")
    expect(results).not_to_contain_text("Support Assistant")
    expect(results).to_contain_text("1 API matches.")
    page.get_by_label("Search", exact=True).fill("")
    page.get_by_label("Tag", exact=True).select_option("support")
    expect(results).not_to_contain_text("Legacy Chat")
    expect(results).to_contain_text("Support Assistant")
    screenshot(page, "02-api-list-filtered")
    assert page.goto(f"/devportal/apis/{published.foreign.uuid}/").status == 404
    page.go_back()

    # 2. The API's page: provider, gateway URL, operations, samples with the real URL.
    page.goto("/devportal/")
    page.get_by_role("link", name="Support Assistant").click()
    url = gateway_url(stack, published.chat)
    expect(page.get_by_role("heading", name="Support Assistant")).to_be_visible()
    expect(page.locator("table").first).to_contain_text(url)
    page.get_by_role("button", name="Copy the Default gateway URL").click()
    assert page.evaluate("navigator.clipboard.readText()") == url
    page.get_by_role("tab", name="Python (openai SDK)").click()
    expect(page.get_by_role("tabpanel")).to_contain_text(f'base_url="{url}"')
    page.get_by_role("tab", name="Python (openai SDK)").press("ArrowRight")
    expect(page.get_by_role("tab", name="JavaScript (openai SDK)")).to_be_focused()
    screenshot(page, "03-api-page")

    # 3. Try Out, WSO2's seed flow, with the keyboard.
    page.get_by_role("link", name="Try Out").click()
    page.get_by_role("button", name="Get Test Key").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".issued")).to_contain_text("Test key ready")
    assert KEY.match(page.get_by_label("API key", exact=True).input_value())
    operation = page.locator("#op-post-chat-completions")
    toggle = operation.get_by_role("button", name=re.compile(r"POST \S+ Create chat completion"))
    toggle.press("Enter")
    body = operation.get_by_label("Request body (JSON)")
    expect(body).to_have_value(re.compile("Say this is a test!"))
    operation.get_by_role("button", name="Try it out").click()
    expect(body).to_be_focused()
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator("[data-status]")).to_have_text(re.compile("^200"))
    expect(operation.locator("[data-tokens]")).to_contain_text("total")
    expect(operation.locator("[data-body-out]")).to_contain_text(REPLY)
    expect(operation.locator("[data-headers]")).to_contain_text("x-request-id")
    expect(operation.get_by_role("heading", name="Response", exact=True)).to_be_focused()
    screenshot(page, "04-try-out")

    # ... and streamed: the answer is drawn as a stream, with the tokens of its usage chunk.
    seed = json.loads(body.input_value())
    body.fill(json.dumps({**seed, "stream": True}, indent=2))
    operation.get_by_role("button", name="Execute").click()
    expect(operation.locator("[data-streamed]")).to_have_text(REPLY)
    expect(operation.locator("[data-tokens]")).to_contain_text("total")
    expect(operation.locator("[data-body-out]")).to_contain_text("data: [DONE]")
    screenshot(page, "05-try-out-streamed")


def test_applications_keys_sdk_revocation_and_usage(new_page, stack, published, personas):
    page = new_page(stack.web_url)
    sign_up(page, "acme", "erin")
    url = gateway_url(stack, published.chat)

    # 4. Applications: create (with a field error first), edit, delete.
    page.get_by_role("link", name="Applications").click()
    page.get_by_role("link", name="Create application").click()
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.get_by_label("Name")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Name").fill("Weather bot")
    page.get_by_label("Description").fill("Tells the weather.")
    page.get_by_role("button", name="Create", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("Application Weather bot created.")
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Description").fill("Tells the weather, politely.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".lead")).to_have_text("Tells the weather, politely.")
    screenshot(page, "06-application")

    # 5. Subscribe from the API's page with an allowed plan.
    page.goto("/devportal/")
    page.get_by_role("link", name="Support Assistant").click()
    page.get_by_label("Application").select_option(label="Weather bot")
    page.get_by_label("Plan").select_option(label="Gold — 5000 requests per minute")
    page.get_by_role("button", name="Subscribe", exact=True).last.click()
    subscriptions = page.locator("#subscriptions")
    expect(subscriptions.locator("table")).to_contain_text("Weather bot")
    expect(page.locator("#messages")).to_contain_text("subscribed to Support Assistant with Gold")
    screenshot(page, "07-subscribed")
    page.goto("/devportal/")
    page.get_by_role("link", name="Legacy Chat").click()
    expect(page.locator("#subscriptions")).to_contain_text("takes no new subscriptions")

    # 6. Keys: generate a production key, shown once, copied; listed by prefix afterwards.
    page.get_by_role("link", name="Applications").click()
    page.get_by_role("link", name="Weather bot").click()
    page.get_by_role("button", name="Generate production key").click()
    reveal = page.locator(".key-reveal")
    expect(reveal).to_contain_text("It will not be shown again.")
    expect(reveal).to_be_focused()
    key = reveal.get_by_role("textbox").input_value()
    assert KEY.match(key)
    reveal.get_by_role("button", name=re.compile("Copy")).click()
    assert page.evaluate("navigator.clipboard.readText()") == key
    screenshot(page, "08-key-shown-once")
    page.reload()
    expect(page.locator("#keys-production table")).to_contain_text(key[:11])
    assert key not in page.content()

    # The key works with the official openai SDK, plain and streamed.
    client = openai.OpenAI(base_url=url, api_key=key, max_retries=0)
    chat = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Say hi"}]}
    answer = client.chat.completions.create(**chat)
    assert answer.choices[0].message.content == REPLY
    stream = client.chat.completions.create(**chat, stream=True)
    assert "".join(c.choices[0].delta.content or "" for c in stream if c.choices) == REPLY

    # 7. Usage: the calls appear in the charts (rollups trail by the worker's interval).
    page.get_by_role("link", name="Usage").click()
    wait_for_requests(page, at_least=2)
    expect(page.locator("canvas[data-chart=requests]")).to_be_visible()
    expect(page.get_by_role("table").filter(has_text="By API")).to_contain_text("Support Assistant")
    expect(page.locator("#usage")).to_contain_text(re.compile(r"Requests: \d+ of 5000 left"))
    screenshot(page, "09-usage")

    # A revoked key fails at the proxy.
    page.get_by_role("link", name="Weather bot").click()
    page.locator("#keys-production").get_by_role("button", name=re.compile("^Revoke")).click()
    confirm(page, "Yes, revoke")
    expect(page.locator("#messages")).to_contain_text("revoked")
    expect(page.locator("#keys-production")).to_contain_text("No active production key.")
    screenshot(page, "10-key-revoked")
    assert_refused(stack, client, chat, openai.AuthenticationError)

    # Regenerate: the old key stops, the new one works.
    page.get_by_role("button", name="Generate production key").click()
    first = page.locator(".key-reveal").get_by_role("textbox").input_value()
    page.locator("#keys-production").get_by_role("button", name=re.compile("^Regenerate")).click()
    confirm(page, "Yes, regenerate")
    expect(page.locator("#messages")).to_contain_text("replaced by a new key")
    second = page.locator(".key-reveal").get_by_role("textbox").input_value()
    assert KEY.match(second) and second != first
    replaced = openai.OpenAI(base_url=url, api_key=first, max_retries=0)
    assert_refused(stack, replaced, chat, openai.AuthenticationError)
    renewed = openai.OpenAI(base_url=url, api_key=second, max_retries=0)
    assert renewed.chat.completions.create(**chat).choices[0].message.content == REPLY

    # Cancelling the subscription stops the key for that API.
    page.locator("#subscriptions").get_by_role("button", name=re.compile("^Cancel")).click()
    confirm(page, "Yes, cancel the subscription")
    expect(page.locator("#subscriptions")).to_contain_text("Not subscribed to any API.")
    assert_refused(stack, renewed, chat, openai.PermissionDeniedError)

    # Deleting an application asks first.
    page.get_by_role("link", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete Weather bot?")).to_be_visible()
    page.get_by_role("button", name="Delete application").click()
    expect(page.locator("#messages")).to_contain_text("Application Weather bot deleted")


def test_streamed_answer_appears_while_it_arrives(new_page, stack, published, personas):
    """Token by token: an upstream that sends a word every 0.25 s, watched in the console."""
    from core.models import LifecycleState as S
    from tests.devportal.conftest import catalog_api

    with slow_upstream() as upstream:
        slow = catalog_api(
            published.tenant, personas.admin, "Slow Stream", S.PUBLISHED, url=upstream
        )
        stack.sync()
        page = new_page(stack.web_url)
        sign_in(page, personas.subscriber.username, "pw-123456!")
        page.goto(f"/devportal/apis/{slow.uuid}/try-out/")
        page.get_by_role("button", name="Get Test Key").click()
        expect(page.locator(".issued")).to_contain_text("Test key ready")
        operation = page.locator("#op-post-chat-completions")
        operation.locator("[data-op-toggle]").click()
        operation.get_by_role("button", name="Try it out").click()
        body = operation.get_by_label("Request body (JSON)")
        body.fill(json.dumps({**json.loads(body.input_value()), "stream": True}))
        page.evaluate("""() => {
            window.streamStates = [];
            const target = document.querySelector('#op-post-chat-completions [data-streamed]');
            new MutationObserver(() => window.streamStates.push(target.textContent))
                .observe(target, {childList: true, characterData: true, subtree: true});
        }""")
        operation.get_by_role("button", name="Execute").click()
        final = " ".join(WORDS)
        expect(operation.locator("[data-streamed]")).to_have_text(final, timeout=20_000)
        expect(operation.locator("[data-tokens]")).to_contain_text(f"{5 + len(WORDS)} total")
    partial = {state for state in page.evaluate("window.streamStates") if state != final}
    assert len(partial) >= 3, partial  # drawn word by word, not at the end


def wait_for_requests(page, at_least: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        totals = page.locator(".usage-totals")
        if totals.count():
            found = re.match(r"(\d+) request", totals.inner_text())
            if found and int(found.group(1)) >= at_least:
                return
        time.sleep(2)
        page.reload()
    raise AssertionError(f"fewer than {at_least} requests in the usage page after {timeout}s")


def assert_refused(stack, client, chat: dict, error: type[Exception]) -> None:
    """Once the gateway has applied the change, the call is refused."""
    stack.sync()
    with pytest.raises(error):
        client.chat.completions.create(**chat)


def test_another_tenants_developer_sees_none_of_it(new_page, stack, published, personas):
    page = new_page(stack.web_url)
    sign_in(page, personas.outsider.username, "pw-123456!")
    page.goto("/devportal/")
    results = page.locator("#catalog-results")
    expect(results).to_contain_text("Globex Secret")
    expect(results).not_to_contain_text("Support Assistant")
    assert page.goto(f"/devportal/apis/{published.chat.uuid}/").status == 404
    assert page.goto(f"/devportal/apis/{published.chat.uuid}/try-out/").status == 404
