"""Chromium for the publisher-portal browser tests, screenshots, and signed-in pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import BROWSER_PASSWORD, save_screenshot, sign_in  # noqa: F401

# `browser`, `new_page` and `sign_in` come from tests/support/browser.py.

PASSWORD = BROWSER_PASSWORD


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/publisher/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def screenshot(page, name: str) -> Path:
    return save_screenshot(page, "publisher", name)


def make_user(tenant, username: str, roles: list[str]):
    from django.contrib.auth import get_user_model

    from core.services.tenants import add_member

    user = get_user_model().objects.create_user(username, f"{username}@example.test", PASSWORD)
    add_member(tenant=tenant, user=user, roles=roles, actor=None)
    return user
