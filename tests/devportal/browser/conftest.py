"""Chromium for the developer-portal browser tests, screenshots, and the journey's data."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are plain
# synchronous code between Playwright calls, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# `browser` and `new_page` come from tests/support/browser.py (one Chromium per session).

SCREENSHOTS = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts")) / "screenshots" / "devportal"
PASSWORD = "Browser-pw-2024!"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/devportal/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if "stack" in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.e2e)


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


@dataclass
class Published:
    """The tenant's catalog for a journey: a callable API, a deprecated one, another tenant's."""

    tenant: object
    chat: object
    legacy: object
    foreign: object


@pytest.fixture
def published(personas, stack) -> Published:
    """APIs on the stack's mock provider, deployed to the gateway, committed for the processes."""
    from core.models import LifecycleState as S
    from tests.devportal.conftest import catalog_api

    upstream = f"{stack.mock_url}/openai/v1"
    acme, actor = personas.tenant, personas.admin
    return Published(
        tenant=acme,
        chat=catalog_api(
            acme, actor, "Support Assistant", S.PUBLISHED, tags=["chat", "support"], url=upstream
        ),
        legacy=catalog_api(acme, actor, "Legacy Chat", S.DEPRECATED, tags=["legacy"], url=upstream),
        foreign=catalog_api(
            personas.outsider_tenant,
            personas.outsider,
            "Globex Secret",
            S.PUBLISHED,
            tags=["chat"],
            url=upstream,
        ),
    )
