"""Knowledge collections through the whole stack: a publisher uploads a document in the
browser, watches it processed, tries a search, attaches the collection to an API and deploys
it; a call through the proxy reaches the mock provider with the passage in its system prompt
and returns the source; another tenant's passage is never retrieved; a document deleted in the
browser stops being retrieved within seconds."""

from __future__ import annotations

import time

import httpx
import orjson
import pytest
from playwright.sync_api import expect

from core.knowledge.services import add_document, create_collection
from core.services import access
from tests.publisher.browser.conftest import make_user, screenshot, sign_in
from tests.publisher.browser.test_flows import nav
from tests.publisher.browser.test_gateway import publish_in_browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
REFUNDS = (
    "# Refunds\n\nAnnual plans are refunded in full within 30 days of purchase. "
    "After 30 days we refund nothing, but you may cancel the renewal at any time.\n"
)
GLOBEX = "Globex refunds annual plans with the secret coupon code ZEBRA-42."
QUESTION = "Can I get my money back for an annual plan?"


@pytest.fixture
def _fast_passwords():
    """The web process checks passwords with the default hasher, so keep it here."""


def upload_in_browser(page, tmp_path) -> None:
    page.get_by_role("link", name="Knowledge").click()
    page.get_by_label("Name").fill("Handbook")
    page.get_by_label("Slug").fill("handbook")
    page.get_by_role("button", name="Create collection").click()
    expect(page.get_by_role("heading", name="Handbook", level=1)).to_be_visible()
    document = tmp_path / "refunds.md"
    document.write_text(REFUNDS)
    page.get_by_label("File").set_input_files(str(document))
    page.get_by_role("button", name="Upload").click()
    row = page.locator("tr", has_text="refunds.md")
    expect(row.locator(".document-status")).to_have_text("Ready", timeout=60_000)
    screenshot(page, "40-knowledge-ready")


def search_in_browser(page) -> None:
    page.get_by_label("Try a question").fill(QUESTION)
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.locator("#search-results")
    expect(results).to_contain_text("refunds.md")
    expect(results).to_contain_text("score 0.")


def attach_and_deploy(page, api) -> None:
    page.get_by_label("AI API", exact=True).select_option(label=str(api))
    page.get_by_role("button", name="Attach collection").click()
    expect(page.locator("#messages")).to_contain_text(f"Attached to {api.name}")
    page.goto(page.url.split("/publisher/")[0] + f"/publisher/apis/{api.uuid}/")
    nav(page, "Deploy")
    page.get_by_role("button", name="Create new revision").click()
    page.get_by_role("button", name="Deploy revision 2").click()
    expect(page.locator("#messages")).to_contain_text("Deployed revision 2 to Default.")


def other_tenants_handbook(personas) -> None:
    """The same slug in another tenant, with a passage that would match the question."""
    theirs = create_collection(
        tenant=personas.outsider_tenant, actor=None, slug="handbook", name="Handbook"
    )
    add_document(collection=theirs, actor=None, source=GLOBEX.encode(), media_type="text")


def chat(url: str, key: str) -> httpx.Response:
    body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": QUESTION}]}
    return httpx.post(url, json=body, headers={"Authorization": f"Bearer {key}"}, timeout=20)


def system_prompt_sent(stack) -> str:
    messages = orjson.loads(stack.mock_requests()[-1]["body"])["messages"]
    return " ".join(m["content"] for m in messages if m["role"] == "system")


def test_a_collection_grounds_an_api(stack, new_page, personas, tmp_path):
    tenant = personas.tenant
    make_user(tenant, "kim", ["creator", "publisher"])
    page = new_page(stack.web_url)
    sign_in(page, "kim")
    api = publish_in_browser(page, stack)
    upload_in_browser(page, tmp_path)
    search_in_browser(page)
    attach_and_deploy(page, api)
    other_tenants_handbook(personas)

    app = access.create_application(tenant=tenant, owner=personas.subscriber, name="Docs app")
    access.subscribe(
        app=app, api=api, plan=tenant.plans.get(name="Gold"), actor=personas.subscriber
    )
    _key, plaintext = access.generate_key(app=app, key_type="production", actor=personas.subscriber)
    url = stack.gateway_url(tenant.slug, api.resolved_context) + "/chat/completions"
    stack.sync()
    response = chat(url, plaintext)

    assert response.status_code == 200, response.text
    assert "refunded in full within 30 days" in system_prompt_sent(stack)
    assert "ZEBRA-42" not in str(stack.mock_requests())
    [source] = response.json()["tollgate"]["sources"][:1]
    assert source["collection"] == "handbook" and source["title"] == "refunds.md"
    assert response.headers["x-tollgate-knowledge-sources"].startswith("handbook/")

    page.goto(f"{stack.web_url}/publisher/knowledge/handbook/")
    page.get_by_role("button", name="Delete refunds.md").click()
    expect(page.locator("#messages")).to_contain_text("Deleted refunds.md")
    deadline = time.monotonic() + 10
    while "refunded in full" in system_prompt_sent(stack):
        assert time.monotonic() < deadline, "the deleted document is still retrieved"
        chat(url, plaintext)
        time.sleep(0.2)
    assert "ZEBRA-42" not in str(stack.mock_requests())
