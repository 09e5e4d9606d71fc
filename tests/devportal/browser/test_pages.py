"""Pages without the gateway (pytest-django's live server): anonymous browsing of a public
portal, narrow screens without sideways scrolling, keyboard use of the sample tabs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.services import access
from tests.devportal.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
NARROW = 390


def test_anonymous_visitor_browses_a_public_portal(live_server, new_page, catalog):
    page = new_page(live_server.url)
    page.goto("/devportal/?tenant=acme")
    results = page.locator("#catalog-results")
    expect(results).to_contain_text("Chat")
    expect(results).to_contain_text("Proto Chat")
    expect(results).not_to_contain_text("Globex Secret")
    expect(results).not_to_contain_text("Draft Chat")
    expect(page.get_by_role("link", name="Sign up")).to_be_visible()
    screenshot(page, "11-anonymous-api-list")

    page.get_by_role("link", name="Chat", exact=True).click()
    expect(page.locator("#subscriptions")).to_contain_text("Sign in or sign up to subscribe")
    screenshot(page, "12-anonymous-api-page")
    page.get_by_role("link", name="Try Out").click()
    expect(page.locator("#key-panel")).to_contain_text("Sign in to get a test key")
    expect(page.get_by_role("button", name="Get Test Key")).to_have_count(0)


def test_pages_fit_a_narrow_screen(live_server, new_page, catalog, personas):
    app = access.create_application(
        tenant=personas.tenant, owner=personas.subscriber, name="Phone app"
    )
    access.subscribe(
        app=app, api=catalog.published, plan=personas.tenant.plans.get(name="Gold"), actor=app.owner
    )
    access.generate_key(app=app, key_type="production", actor=app.owner, name="phone")
    page = new_page(live_server.url, width=NARROW)
    sign_in(page, personas.subscriber.username, "pw-123456!")
    pages = {
        "13-narrow-api-list": "/devportal/",
        "14-narrow-api-page": f"/devportal/apis/{catalog.published.uuid}/",
        "15-narrow-try-out": f"/devportal/apis/{catalog.published.uuid}/try-out/",
        "16-narrow-application": f"/devportal/applications/{app.pk}/",
        "17-narrow-usage": f"/devportal/applications/{app.pk}/usage/",
    }
    for name, path in pages.items():
        page.goto(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= NARROW, f"{path} scrolls sideways ({width}px)"
        screenshot(page, name)


def test_sample_tabs_work_with_the_keyboard(live_server, new_page, catalog, personas):
    page = new_page(live_server.url)
    sign_in(page, personas.subscriber.username, "pw-123456!")
    page.goto(f"/devportal/apis/{catalog.published.uuid}/")
    first = page.get_by_role("tab", name="curl")
    expect(first).to_have_attribute("aria-selected", "true")
    first.focus()
    page.keyboard.press("End")
    last = page.get_by_role("tab", name="JavaScript (fetch)")
    expect(last).to_be_focused()
    expect(last).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("tabpanel")).to_contain_text("await fetch(")
    page.keyboard.press("ArrowRight")
    expect(first).to_be_focused()
