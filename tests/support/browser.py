"""Chromium for the browser tests, one per test module.

Playwright's sync API keeps an asyncio loop running in the main thread while it is open: two
at once are refused, and while one is open `asyncio.run()` in any later test fails. So a
module's browser closes when the module ends.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.services import missing

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        missing(f"Chromium (at {CHROMIUM})")
    from playwright.sync_api import sync_playwright

    # While Playwright's sync API is open its event loop runs in this thread, and Django
    # refuses ORM calls next to a running loop; the tests' own ORM calls are plain
    # synchronous code between Playwright calls, so allow them for this browser's lifetime.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
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


BROWSER_PASSWORD = "Browser-pw-2024!"
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", "test-artifacts")) / "screenshots"


def save_screenshot(page, portal: str, name: str) -> Path:
    folder = ARTIFACTS / portal
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def confirm(page, answer: str) -> None:
    """Answer the confirmation dialog of a destructive action with its "Yes, …" button."""
    dialog = page.get_by_role("alertdialog")
    dialog.get_by_role("button", name=answer).click()
    from playwright.sync_api import expect

    expect(dialog).to_be_hidden()


def sign_in(page, username: str, password: str = BROWSER_PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
