"""Chromium for the developer-portal browser tests, screenshots, and the journey's data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.browser import BROWSER_PASSWORD, save_screenshot, sign_in  # noqa: F401

# `browser`, `new_page` and `sign_in` come from tests/support/browser.py.

PASSWORD = BROWSER_PASSWORD


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/devportal/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if "stack" in getattr(item, "fixturenames", ()):
                item.add_marker(pytest.mark.e2e)


def screenshot(page, name: str) -> Path:
    return save_screenshot(page, "devportal", name)


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
    published = Published(
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
    stack.sync()  # the gateway serves all three
    return published
