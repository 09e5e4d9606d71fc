from __future__ import annotations

import time

import pytest

from tests.proxy.providers.golden import CREATED


@pytest.fixture(autouse=True)
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Translated answers carry `created`; golden files need it fixed."""
    monkeypatch.setattr(time, "time", lambda: float(CREATED))
