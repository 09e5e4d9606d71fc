"""A new publisher drives the portal in Chromium: flows 1-7 of issue 5, refusals, settings.

These run on pytest-django's live server (no proxy needed); test_gateway.py runs the whole
stack and calls the published API through the proxy.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.models import AiApi, Deployment, LifecycleState, SubscriptionStatus
from core.services import access, deployments, lifecycle
from tests.publisher.browser.conftest import make_user, screenshot, sign_in
from tests.publisher.conftest import make_api
from tests.support.browser import confirm

pytestmark = pytest.mark.django_db(transaction=True)
PROVIDER_KEY = "sk-browser-test-provider-key"


@pytest.fixture
def tenant(personas):
    return personas.tenant


@pytest.fixture
def newcomer(tenant):
    """A new team member with the creator and publisher roles."""
    return make_user(tenant, "nora", ["creator", "publisher"])


def nav(page, name: str) -> None:
    """Follow a link of the publisher sidebar."""
    page.get_by_role("navigation", name="Publisher").get_by_role(
        "link", name=name, exact=True
    ).click()


def create_api_in_browser(page, name: str, context: str, version: str) -> None:
    nav(page, "Create AI API")
    page.get_by_label("AI provider", exact=True).select_option(label="OpenAI")
    versions = page.get_by_label("Provider API version", exact=True)
    expect(versions).to_be_enabled()
    expect(versions).to_have_value(re.compile(r"\d+"))
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("Endpoint", exact=True)).to_have_value("https://api.openai.com/v1")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Context", exact=True).fill(context)
    page.get_by_label("Version", exact=True).fill(version)
    page.get_by_label("Endpoint", exact=True).fill("http://127.0.0.1:9/v1")


def test_sign_in_and_create_an_ai_api(live_server, new_page, newcomer, tenant):
    page = new_page(live_server.url)
    sign_in(page, "nora")
    expect(page.get_by_role("heading", name="APIs", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Create AI API").first).to_be_visible()
    screenshot(page, "01-api-list-empty")

    create_api_in_browser(page, "Support Assistant", "{version}/support", "not a version!")
    screenshot(page, "02-create-details")
    page.get_by_role("button", name="Create").click()
    error = page.locator("#id_version_error")
    expect(error).to_contain_text("Use 1-30 letters")
    expect(page.get_by_label("Version", exact=True)).to_have_attribute("aria-invalid", "true")
    screenshot(page, "03-create-field-error")

    page.get_by_label("Version", exact=True).fill("1.0.0")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("status")).to_contain_text("Created Support Assistant 1.0.0.")
    expect(page.get_by_role("heading", name="Support Assistant")).to_be_visible()
    gateway_url = f"/t/{tenant.slug}/1.0.0/support"
    expect(page.locator("ul.gateway-urls")).to_contain_text(gateway_url)
    page.get_by_role("button", name="Copy Production gateway URL").first.click()
    expect(page.get_by_role("button", name="Copy Production gateway URL").first).to_have_text(
        "Copied"
    )
    assert page.evaluate("navigator.clipboard.readText()").endswith(gateway_url)
    screenshot(page, "04-overview")

    nav(page, "APIs")
    page.get_by_label("Search APIs").fill("support")
    expect(page.locator("#api-results")).to_contain_text("Support Assistant")
    page.get_by_label("Search APIs").fill("nothing-like-this")
    expect(page.locator("#api-results")).to_contain_text("No API matches")


def test_duplicate_context_is_shown_on_the_field(live_server, new_page, newcomer, tenant):
    make_api(tenant, newcomer, context="{version}/support", version="1.0.0", name="Existing")
    page = new_page(live_server.url)
    sign_in(page, "nora")
    create_api_in_browser(page, "Support Assistant", "{version}/support", "1.0.0")
    page.get_by_role("button", name="Create").click()
    expect(page.locator("#id_context_error")).to_contain_text("Create New Version")


def test_endpoints_and_policies(live_server, new_page, newcomer, tenant):
    api = make_api(tenant, newcomer)
    page = new_page(live_server.url)
    sign_in(page, "nora")
    page.goto(f"/publisher/apis/{api.uuid}/endpoints/")
    expect(page.locator("#key-note")).to_contain_text("“Bearer” is prepended")
    production = page.locator("#endpoint-production")
    production.get_by_label(re.compile("^Provider API key")).fill(PROVIDER_KEY)
    production.get_by_role("button", name="Save production endpoint").click()
    expect(page.locator("#messages")).to_contain_text("Saved the production endpoint")
    expect(production.locator(".key-state")).to_contain_text("set")
    assert PROVIDER_KEY not in page.content()

    sandbox = page.locator("#endpoint-sandbox")
    sandbox.get_by_label("Endpoint URL", exact=True).fill("ftp://nowhere")
    sandbox.get_by_role("button", name="Save sandbox endpoint").click()
    expect(sandbox.locator(".field-error")).to_contain_text("Refused")
    expect(sandbox.get_by_label("Endpoint URL", exact=True)).to_be_focused()
    screenshot(page, "05-endpoints")

    production.get_by_label("Remove the stored key").check()
    production.get_by_role("button", name="Save production endpoint").click()
    expect(production.locator(".key-state")).to_contain_text("not set")

    nav(page, "Policies")
    page.get_by_role("checkbox", name=re.compile("Bronze")).uncheck()
    page.locator("#id_production_total_tokens").fill("50000")
    page.locator("#id_production_unit_seconds").select_option(label="hour")
    page.get_by_label("Request size limit (bytes)").fill("65536")
    page.get_by_role("button", name="Save policies").click()
    expect(page.locator("#messages")).to_contain_text("Saved the policies.")
    screenshot(page, "06-policies")
    api.refresh_from_db()
    assert api.backend_limits["production"]["total_tokens"] == 50000
    assert not api.allowed_plans.filter(name="Bronze").exists()


def test_deploy_and_lifecycle(live_server, new_page, newcomer, tenant):
    api = make_api(tenant, newcomer)
    page = new_page(live_server.url)
    sign_in(page, "nora")
    page.goto(f"/publisher/apis/{api.uuid}/deploy/")
    for description in ("First cut", "Second cut"):
        page.get_by_label("Description of the new revision").fill(description)
        page.get_by_role("button", name="Create new revision").click()
        expect(page.locator("#messages")).to_contain_text("Created revision")
    page.get_by_role("button", name="Deploy revision 2").click()
    expect(page.locator("#messages")).to_contain_text("Deployed revision 2 to Default.")
    page.get_by_role("button", name="Roll back to this revision 1").click()
    expect(page.locator("#messages")).to_contain_text("Deployed revision 1 to Default.")
    assert Deployment.objects.get(api=api).revision.number == 1
    page.get_by_role("button", name="Delete revision 2").click()
    confirm(page, "Yes, delete")
    expect(page.locator("#messages")).to_contain_text("Deleted revision 2.")
    screenshot(page, "07-deploy")

    nav(page, "Lifecycle")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#current-state")).to_have_text("Published")
    expect(page.locator("#api-state-badge")).to_have_text("Published")
    page.get_by_role("button", name="Block").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Every call is refused")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    screenshot(page, "08-lifecycle-confirm")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    api.refresh_from_db()
    assert api.lifecycle_state == LifecycleState.PUBLISHED

    page.get_by_role("button", name="Block").click()
    dialog.get_by_role("textbox", name=re.compile("Reason")).fill("Provider outage")
    confirm(page, "Yes, block")
    expect(page.locator("#current-state")).to_have_text("Blocked")
    expect(page.locator("#api-state-badge")).to_have_text("Blocked")
    expect(page.locator("table")).to_contain_text("Provider outage")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#current-state")).to_have_text("Published")
    screenshot(page, "09-lifecycle")

    nav(page, "Deploy")
    page.get_by_role("button", name="Undeploy from Default").click()
    confirm(page, "Yes, undeploy")
    expect(page.locator("#messages")).to_contain_text("Undeployed revision 1 from Default.")


def test_subscriptions_block_and_unblock(live_server, new_page, newcomer, tenant, personas):
    api = make_api(tenant, newcomer)
    lifecycle.change_lifecycle(api=api, to_state="PUBLISHED", actor=newcomer)
    app = access.create_application(tenant=tenant, owner=personas.subscriber, name="Helpdesk")
    sub = access.subscribe(
        app=app, api=api, plan=tenant.plans.get(name="Gold"), actor=personas.subscriber
    )
    page = new_page(live_server.url)
    sign_in(page, "nora")
    page.goto(f"/publisher/apis/{api.uuid}/subscriptions/")
    row = page.get_by_role("row", name=re.compile("Helpdesk"))
    expect(row).to_contain_text("Gold")
    row.get_by_role("button", name="Block Helpdesk").click()
    confirm(page, "Yes, block")
    expect(page.locator("#messages")).to_contain_text("Blocked Helpdesk's subscription.")
    expect(row).to_contain_text("Blocked")
    sub.refresh_from_db()
    assert sub.status == SubscriptionStatus.BLOCKED
    screenshot(page, "10-subscriptions")
    row.get_by_role("button", name="Unblock Helpdesk").click()
    expect(row).to_contain_text("Active")


def test_refusals(live_server, new_page, tenant, personas):
    api = make_api(tenant, personas.creator)
    make_user(tenant, "paul", ["publisher"])
    page = new_page(live_server.url)
    sign_in(page, "paul")
    expect(page.get_by_role("heading", name="APIs", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Create AI API")).to_have_count(0)
    response = page.goto("/publisher/apis/new/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="You cannot do this here")).to_be_visible()
    expect(page.locator("main")).to_contain_text("creator")
    screenshot(page, "11-refused-create")

    make_user(tenant, "cleo", ["creator"])
    creator_page = new_page(live_server.url)
    sign_in(creator_page, "cleo")
    creator_page.goto(f"/publisher/apis/{api.uuid}/lifecycle/")
    expect(creator_page.locator("main")).to_contain_text("Only publishers can change")
    expect(creator_page.get_by_role("button", name="Publish")).to_have_count(0)

    make_user(tenant, "sam", ["subscriber"])
    subscriber_page = new_page(live_server.url)
    sign_in(subscriber_page, "sam")
    response = subscriber_page.goto(f"/publisher/apis/{api.uuid}/lifecycle/")
    assert response.status == 403
    status = subscriber_page.evaluate(
        """async (url) => {
            const headers = JSON.parse(document.body.getAttribute('hx-headers'));
            const body = new URLSearchParams({to_state: 'PUBLISHED'});
            const r = await fetch(url, {method: 'POST', body, headers});
            return r.status;
        }""",
        f"/publisher/apis/{api.uuid}/lifecycle/",
    )
    assert status == 403
    assert AiApi.objects.get(pk=api.pk).lifecycle_state == LifecycleState.CREATED


def test_tenant_settings(live_server, new_page, tenant, personas):
    make_user(tenant, "ada", ["admin"])
    page = new_page(live_server.url)
    sign_in(page, "ada")
    nav(page, "Members")
    invite = page.get_by_role("region", name="Invite someone")
    invite.get_by_label("Email", exact=True).fill("newdev@example.test")
    invite.get_by_role("checkbox", name=re.compile("^Creator")).check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator("#messages")).to_contain_text("Invited newdev@example.test")
    expect(page.locator(".notice code")).to_contain_text("/accounts/invitation/")
    screenshot(page, "12-members")

    row = page.locator(f"#member-{personas.creator.pk}")
    row.get_by_role("checkbox", name="Publisher").check()
    row.get_by_role("button", name="Save roles of creator1").click()
    expect(page.locator("#messages")).to_contain_text("Changed creator1's roles.")

    nav(page, "Plans")
    page.get_by_label("Name", exact=True).fill("Team")
    page.get_by_label("Total tokens", exact=True).fill("100000")
    page.get_by_role("button", name="Add plan").click()
    expect(page.locator("#messages")).to_contain_text("Created the plan Team.")
    page.get_by_label("Name", exact=True).fill("Team")
    page.get_by_role("button", name="Add plan").click()
    expect(page.locator("#id_name_error")).to_contain_text("A plan named Team exists.")
    screenshot(page, "13-plans")

    nav(page, "Gateway environments")
    page.get_by_label("Slug", exact=True).fill("eu-west")
    page.get_by_label("Name", exact=True).fill("EU West")
    page.get_by_role("textbox", name=re.compile("^Gateway URL")).fill(
        "https://eu.gateway.example.test"
    )
    page.get_by_role("button", name="Add environment").click()
    expect(page.locator("#messages")).to_contain_text("Created the gateway environment EU West.")
    screenshot(page, "14-environments")


def test_narrow_screen(live_server, new_page, newcomer, tenant):
    api = make_api(tenant, newcomer)
    revision = deployments.create_revision(api=api, actor=newcomer, description="First")
    environment = tenant.environments.get(is_default=True)
    deployments.deploy_revision(revision=revision, environment=environment, actor=newcomer)
    page = new_page(live_server.url, width=390, height=844)
    sign_in(page, "nora")
    for path, name in (
        (f"/publisher/apis/{api.uuid}/", "15-narrow-overview"),
        (f"/publisher/apis/{api.uuid}/endpoints/", "16-narrow-endpoints"),
        ("/publisher/", "17-narrow-list"),
        (f"/publisher/apis/{api.uuid}/deploy/", "18-narrow-deploy"),
        (f"/publisher/apis/{api.uuid}/analytics/", "19-narrow-analytics"),
    ):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
        screenshot(page, name)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()


def test_analytics_range_switch_redraws_the_charts(live_server, new_page, newcomer, tenant):
    api = make_api(tenant, newcomer)
    page = new_page(live_server.url)
    sign_in(page, "nora")
    page.goto(f"/publisher/apis/{api.uuid}/analytics/")
    page.get_by_label("Time range").select_option(label="Last 7 days")
    expect(page.locator("#analytics-panel")).to_contain_text("Showing the last 7 days")
    assert page.url.endswith("?range=7d")
    drawn = "[...document.querySelectorAll('canvas[data-chart]')].filter(c => Chart.getChart(c))"
    page.wait_for_function(f"{drawn}.length === 3")
