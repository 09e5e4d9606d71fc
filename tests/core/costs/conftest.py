from __future__ import annotations

import pytest

from tests.core.builders import deploy, make_api, move_to, subscribe_with_key


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the on-commit publishes of what happens inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def live(personas, commit):
    """A published OpenAI API deployed to `default`, and a developer's key subscribed to it."""
    with commit():
        api = move_to(make_api(personas.tenant, personas.creator), "PUBLISHED", personas.publisher)
        deployment = deploy(api, personas.publisher)
        consumer = subscribe_with_key(personas.tenant, personas.subscriber, api)
    return api, deployment, consumer
