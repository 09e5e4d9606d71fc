"""`manage.py registry rebuild` and `manage.py registry show`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.core.builders import PROVIDER_KEY, deploy, make_api, move_to, subscribe_with_key


def run(*args: str) -> str:
    out = StringIO()
    call_command("registry", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def published(registry, personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        api = move_to(make_api(personas.tenant, personas.creator), "PUBLISHED", personas.publisher)
        deploy(api, personas.publisher)
        return subscribe_with_key(personas.tenant, personas.subscriber, api)


def test_rebuild_reports_counts(published, registry) -> None:
    assert run("rebuild").startswith("Rebuilt the registry: 1 deployments, 1 keys (0 written), ")
    registry.wipe()
    assert run("rebuild").startswith("Rebuilt the registry: 1 deployments, 1 keys (2 written), ")


def test_show_lists_and_prints_without_credentials(published) -> None:
    listing = run("show")
    assert "deployment: 1" in listing and "key: 1" in listing
    assert "default:acme:1.0.0/chat" in listing and published.key.digest in listing
    body = run("show", "default:acme:1.0.0/chat")
    assert '"route": "1.0.0/chat"' in body and '"credential": "<encrypted>"' in body
    assert PROVIDER_KEY not in body and "gAAAA" not in body  # no Fernet token either
    assert published.key.digest in run("show", "--kind", "key", published.key.digest)


def test_show_unknown_key(published) -> None:
    with pytest.raises(CommandError):
        run("show", "nope")
