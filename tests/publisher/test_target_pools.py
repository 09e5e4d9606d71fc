"""Endpoints › target pools: add, change and remove targets, see their health, set routing."""

from __future__ import annotations

from django.urls import reverse

from core.models import Target
from core.secrets import key_ring

SECRET = "sk-backup-very-secret"


def targets_url(api) -> str:
    return reverse("publisher:targets", kwargs={"api_uuid": api.uuid})


def page(client, api) -> str:
    url = reverse("publisher:endpoints", kwargs={"api_uuid": api.uuid})
    return client.get(url).content.decode()


def save(client, api, **fields):
    values = {"kind": "production", "name": "backup", "url": "http://127.0.0.1:9/v3",
              "weight": 2, "priority": 1, **fields}  # fmt: skip
    data = {"action": "save", **{f"target-{k}": v for k, v in values.items()}}
    return client.post(targets_url(api), data)


def test_a_target_is_added_with_a_write_only_key_and_listed_with_its_health(client_as, acme_api):
    client = client_as("creator")
    assert save(client, acme_api, credential=SECRET).status_code == 302
    target = Target.objects.get(api=acme_api)
    assert (target.name, target.weight, target.priority) == ("backup", 2, 1)
    assert key_ring().decrypt(target.credential_encrypted) == SECRET
    html = page(client, acme_api)
    assert "Saved the production target backup." in html
    assert 'id="target-production-backup"' in html and 'id="target-production-primary"' in html
    assert SECRET not in html
    assert "health-unknown" in html or "health-closed" in html


def test_saving_again_changes_the_target_and_keeps_its_key(client_as, acme_api):
    client = client_as("creator")
    save(client, acme_api, credential=SECRET)
    save(client, acme_api, weight=5)
    target = Target.objects.get(api=acme_api)
    assert target.weight == 5 and target.has_credential


def test_a_bad_target_shows_field_errors_on_the_endpoints_page(client_as, acme_api):
    response = save(client_as("creator"), acme_api, url="ftp://x", name="primary")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="target-form"' in html and "field-error" in html
    assert not Target.objects.exists()


def test_remove_a_target(client_as, acme_api):
    client = client_as("creator")
    save(client, acme_api)
    data = {"action": "remove", "kind": "production", "name": "backup"}
    assert client.post(targets_url(acme_api), data).status_code == 302
    assert not Target.objects.exists()


def test_routing_settings_are_saved_and_checked(client_as, acme_api):
    client = client_as("creator")
    data = {"action": "routing", "routing-strategy": "latency", "routing-sticky_header": "x-user",
            "routing-retry_on": ["5xx", "timeout"], "routing-max_attempts": 2,
            "routing-deadline_seconds": 30, "routing-circuit_failures": 3,
            "routing-circuit_window": 20, "routing-suspend_seconds": 10}  # fmt: skip
    assert client.post(targets_url(acme_api), data).status_code == 302
    acme_api.refresh_from_db()
    assert acme_api.routing["strategy"] == "latency"
    assert sorted(acme_api.routing["retry_on"]) == ["5xx", "timeout"]
    bad = client.post(targets_url(acme_api), {**data, "routing-max_attempts": 0})
    assert bad.status_code == 400 and 'id="routing-form"' in bad.content.decode()


def test_the_publisher_sees_the_pool_but_cannot_change_it(client_as, acme_api):
    save(client_as("creator"), acme_api)
    html = page(client_as("publisher"), acme_api)
    assert 'id="target-production-backup"' in html and 'id="target-form"' not in html
