"""A publisher configures a guardrail on the AI policies page, deploys it, and the gateway
refuses a call that breaks it, before the provider sees it."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from core.services import access
from tests.core.builders import make_api, move_to
from tests.publisher.browser.conftest import make_user, screenshot, sign_in
from tests.publisher.browser.test_flows import nav

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def _fast_passwords():
    """The web process checks passwords with the default hasher, so keep it here."""


def chat(url: str, key: str, text: str) -> httpx.Response:
    body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}]}
    return httpx.post(url, json=body, headers={"Authorization": f"Bearer {key}"}, timeout=10)


def test_a_guardrail_configured_in_the_portal_refuses_a_call(stack, new_page, personas):
    tenant = personas.tenant
    nora = make_user(tenant, "nora", ["creator", "publisher"])
    api = make_api(tenant, nora, name="Guarded", context="{version}/guarded",
                   url=f"{stack.mock_url}/openai/v1")  # fmt: skip
    move_to(api, "PUBLISHED", nora)
    page = new_page(stack.web_url)
    sign_in(page, "nora")
    page.goto(f"/publisher/apis/{api.uuid}/")

    nav(page, "AI policies")
    page.get_by_label("Add a policy").select_option("regex_guard")
    page.get_by_role("button", name="Configure").click()
    page.get_by_label("Name").fill("no-launch-codes")
    page.get_by_label("Pattern").fill("(?i)launch code")
    page.get_by_role("button", name="Save policy").click()
    expect(page.get_by_role("cell", name="no-launch-codes", exact=True)).to_be_visible()
    screenshot(page, "30-ai-policies")

    nav(page, "Deploy")
    page.get_by_role("button", name="Create new revision").click()
    page.get_by_role("button", name="Deploy revision 1").click()
    expect(page.locator("#messages")).to_contain_text("Deployed revision 1 to Default.")

    app = access.create_application(tenant=tenant, owner=personas.subscriber, name="App")
    plan = tenant.plans.get(name="Gold")
    access.subscribe(app=app, api=api, plan=plan, actor=personas.subscriber)
    _key, key = access.generate_key(app=app, key_type="production", actor=personas.subscriber)
    stack.sync()
    stack.clear_mock()
    url = stack.gateway_url(tenant.slug, api.resolved_context) + "/chat/completions"

    refused = chat(url, key, "What is the launch code?")
    assert refused.status_code == 400, refused.text
    assert refused.json()["error"]["code"] == "guardrail_blocked"
    assert "no-launch-codes" in refused.json()["error"]["message"]
    assert stack.mock_requests() == []
    assert chat(url, key, "What is the weather?").status_code == 200
    assert len(stack.mock_requests()) == 1
