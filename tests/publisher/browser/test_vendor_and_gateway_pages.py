"""The Gateway page (API type, system prompt, defaults and overrides) and the custom vendor
pages in Chromium, on the live server: errors on the fields, confirmations, narrow screens."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.models import AiApi
from core.services import apis as api_services
from core.services import vendors as vendor_services
from tests.publisher.browser.conftest import make_user, screenshot, sign_in
from tests.publisher.browser.test_flows import nav
from tests.publisher.conftest import MOCK_URL, make_api
from tests.support.browser import confirm

pytestmark = pytest.mark.django_db(transaction=True)


def test_gateway_page(live_server, new_page, personas):
    tenant = personas.tenant
    creator = make_user(tenant, "nora", ["creator", "publisher"])
    api = make_api(tenant, creator, vendor="anthropic", context="claude", name="Claude Desk")
    page = new_page(live_server.url)
    sign_in(page, "nora")
    page.goto(f"/publisher/apis/{api.uuid}/")
    nav(page, "Gateway")
    page.get_by_role("radio", name="OpenAI-compatible").check()
    page.get_by_label("System prompt").fill("You are Acme's helpdesk. Answer in one paragraph.")
    page.get_by_label("Default model").fill("claude-sonnet-4-5")
    page.get_by_label("Requests may override the model").uncheck()
    page.get_by_label("Default temperature").fill("5")
    page.get_by_label("Default stop sequences").fill("END")
    page.get_by_role("button", name="Save gateway settings").click()
    expect(page.locator("#id_temperature_error")).to_have_text("A number from 0 to 2.")
    expect(page.get_by_label("Default temperature")).to_be_focused()
    screenshot(page, "33-gateway-field-error")

    page.get_by_label("Default temperature").fill("0.3")
    page.get_by_role("button", name="Save gateway settings").click()
    expect(page.locator("#messages")).to_contain_text("Saved the gateway settings.")
    api.refresh_from_db()
    assert api.api_type == "unified"
    assert api.gateway_settings["parameters"]["model"] == {
        "value": "claude-sonnet-4-5",
        "overridable": False,
    }
    page.reload()
    expect(page.get_by_label("Requests may override the model")).not_to_be_checked()
    expect(page.get_by_label("Requests may override the temperature")).to_be_checked()
    screenshot(page, "32-gateway")

    nav(page, "Overview")
    expect(page.locator("dl.details").first).to_contain_text("OpenAI-compatible")
    expect(page.locator(".operations")).to_contain_text("/v1/messages")

    narrow = new_page(live_server.url, width=390)
    sign_in(narrow, "nora")
    narrow.goto(f"/publisher/apis/{api.uuid}/gateway/")
    expect(narrow.get_by_label("Default model")).to_have_value("claude-sonnet-4-5")
    assert narrow.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(narrow, "34-narrow-gateway")


def test_publisher_sees_the_gateway_page_read_only(live_server, new_page, personas):
    api = make_api(personas.tenant, personas.creator)
    make_user(personas.tenant, "pat", ["publisher"])
    page = new_page(live_server.url)
    sign_in(page, "pat")
    page.goto(f"/publisher/apis/{api.uuid}/gateway/")
    expect(page.get_by_label("System prompt")).to_be_disabled()
    expect(page.get_by_role("button", name="Save gateway settings")).to_have_count(0)


def test_custom_vendor_edit_and_refused_delete(live_server, new_page, personas):
    tenant = personas.tenant
    make_user(tenant, "ada", ["admin"])
    vendor = vendor_services.create_custom_vendor(
        tenant=tenant,
        actor=personas.admin,
        name="Echo LLM",
        version="v1",
        base_url=MOCK_URL,
        auth_scheme="query",
        auth_name="key",
        api_definition={"openapi": "3.0.3", "paths": {"/chat/completions": {"post": {}}}},
        usage_paths={"total_tokens": "$.usage.total_tokens"},
    )
    api_services.create_api(
        tenant=tenant,
        actor=personas.creator,
        name="Echo API",
        context="echo",
        version="v1",
        vendor_version=vendor.versions.get(),
    )
    page = new_page(live_server.url)
    sign_in(page, "ada")
    nav(page, "AI vendors")
    page.get_by_role("link", name="Echo LLM").click()
    expect(page.get_by_role("radio", name="A query parameter")).to_be_checked()
    page.get_by_label("Version", exact=True).fill("v2")
    page.get_by_label("Base URL").fill(MOCK_URL + "/v2")
    page.get_by_role("button", name="Save vendor").click()
    expect(page.locator("#messages")).to_contain_text("Added version v2 to Echo LLM.")
    expect(page.get_by_role("navigation", name="Versions of Echo LLM")).to_contain_text("v1")
    screenshot(page, "35-vendor-edit")

    page.get_by_role("button", name="Delete Echo LLM").click()
    confirm(page, "Yes, delete")
    expect(page.locator("#messages")).to_contain_text(
        "Echo LLM cannot be deleted. Used by Echo API v1"
    )
    assert AiApi.objects.filter(vendor_version__vendor=vendor).exists()

    narrow = new_page(live_server.url, width=390)
    sign_in(narrow, "ada")
    narrow.goto("/publisher/settings/vendors/")
    expect(narrow.get_by_role("region", name="Custom vendors")).to_contain_text("Echo LLM")
    screenshot(narrow, "36-narrow-vendors")
