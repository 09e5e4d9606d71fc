"""In Chromium: an invitation link taken by the wrong account is refused while the invited
person signs up and joins; a member makes a scoped token on the Access tokens page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.models import Membership, PersonalAccessToken
from core.services import invitations
from tests.support.browser import BROWSER_PASSWORD, confirm, save_screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make_user(tenant, username: str, email: str, roles: list[str]):
    from django.contrib.auth import get_user_model

    from core.services.tenants import add_member

    user = get_user_model().objects.create_user(username, email, BROWSER_PASSWORD)
    add_member(tenant=tenant, user=user, roles=roles, actor=None)
    return user


def test_invitation_refused_to_another_account_then_taken_by_sign_up(
    live_server, new_page, personas
):
    _, token = invitations.invite(
        tenant=personas.tenant, email="nina@acme.test", roles=["creator"], actor=personas.admin
    )
    link = f"/accounts/invitation/{token}/"
    intruder = make_user(personas.outsider_tenant, "mallory", "mallory@globex.test", ["admin"])
    page = new_page(live_server.url)
    sign_in(page, "mallory")
    page.goto(link)
    expect(page.get_by_role("alert")).to_contain_text("not the invited one")
    expect(page.get_by_role("button", name=re.compile("^Join"))).to_have_count(0)
    save_screenshot(page, "accounts", "invitation-wrong-account")
    assert not Membership.objects.filter(user=intruder, tenant=personas.tenant).exists()

    page = new_page(live_server.url)
    page.goto(link)
    expect(page.get_by_role("heading", name="Join Acme")).to_be_visible()
    expect(page.get_by_text("n•••@acme.test")).to_be_visible()
    page.get_by_label("Username").fill("nina")
    page.get_by_label("Email").fill("nina@acme.test")
    page.get_by_label("Password").fill("Quiet-harbour-81!")
    save_screenshot(page, "accounts", "invitation-sign-up")
    page.get_by_role("button", name="Create account and join").click()
    expect(page.locator("#messages")).to_contain_text("You joined Acme.")
    assert Membership.objects.get(user__username="nina", tenant=personas.tenant).roles == [
        "creator"
    ]
    page.goto(link)
    expect(page.get_by_role("heading", name="This invitation is not valid")).to_be_visible()


def test_make_a_read_only_token(live_server, new_page, personas):
    make_user(personas.tenant, "tess", "tess@acme.test", ["creator", "subscriber"])
    page = new_page(live_server.url)
    sign_in(page, "tess")
    page.get_by_role("link", name="Access tokens").click()
    page.get_by_label("Name").fill("nightly report")
    page.get_by_label("Subscriber").check()
    page.get_by_role("button", name="Create token").click()
    expect(page.locator(".notice code")).to_contain_text("tgpat_")
    token = PersonalAccessToken.objects.get(name="nightly report")
    assert (token.access, token.roles) == ("read", ["subscriber"])
    row = page.locator(f"#token-{token.pk}")
    expect(row).to_contain_text("Read-only")
    expect(row).to_contain_text(token.expires_at.strftime("%Y-%m-%d"))
    save_screenshot(page, "accounts", "tokens")
    row.get_by_role("button", name=re.compile("^Revoke")).click()
    confirm(page, "Yes, revoke")
    expect(page.locator("#messages")).to_contain_text("Revoked the token nightly report.")
    token.refresh_from_db()
    assert token.revoked_at is not None
