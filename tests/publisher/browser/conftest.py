"""Chromium for the publisher-portal browser tests, screenshots, and signed-in pages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are plain
# synchronous code between Playwright calls, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# `browser` and `new_page` come from tests/support/browser.py (one Chromium per session).

SCREENSHOTS = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts")) / "screenshots" / "publisher"
PASSWORD = "Browser-pw-2024!"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/publisher/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def make_user(tenant, username: str, roles: list[str]):
    from django.contrib.auth import get_user_model

    from core.services.tenants import add_member

    user = get_user_model().objects.create_user(username, f"{username}@example.test", PASSWORD)
    add_member(tenant=tenant, user=user, roles=roles, actor=None)
    return user
