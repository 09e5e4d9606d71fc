"""Chromium for the developer-portal browser tests, screenshots, and the journey's data."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are plain
# synchronous code between Playwright calls, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SCREENSHOTS = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts")) / "screenshots" / "devportal"
PASSWORD = "Browser-pw-2024!"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/devportal/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if "stack" in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Chromium is missing at {CHROMIUM}; CI must run the browser tests.")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser) -> Iterator[Callable]:
    """`new_page(base_url, width=1280)`: a fresh browser context (own cookies) and page."""
    contexts = []

    def make(base_url: str, width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=base_url,
            viewport={"width": width, "height": height},
            permissions=["clipboard-read", "clipboard-write"],
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # hx-confirm: the user says yes
        return page

    yield make
    for context in contexts:
        context.close()


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
