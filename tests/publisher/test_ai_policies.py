"""The AI policies page: add a policy with validated fields, configure, reorder, remove."""

from __future__ import annotations

from django.urls import reverse


def page(api) -> str:
    return reverse("publisher:ai-policies", kwargs={"api_uuid": api.uuid})


def test_add_with_field_errors_then_valid(client_as, acme_api):
    client = client_as("creator")
    bad = client.post(
        page(acme_api) + "?kind=regex_guard",
        {"flow": "request", "pattern": "(", "match": "deny", "mode": "block"},
    )
    assert bad.status_code == 400
    assert 'id="id_pattern_error"' in bad.content.decode()
    good = client.post(
        page(acme_api) + "?kind=regex_guard",
        {"flow": "request", "pattern": "secret", "match": "deny", "mode": "block", "name": "g"},
    )
    assert good.status_code == 302
    [policy] = acme_api.policies.all()
    assert (policy.kind, policy.parameters) == ("regex_guard", {"pattern": "secret"})


def test_reorder_configure_and_remove(client_as, acme_api, personas):
    from core.services.policies import add_policy

    first = add_policy(api=acme_api, actor=personas.creator, kind="word_count_guard",
                       parameters={"max": 10})  # fmt: skip
    second = add_policy(api=acme_api, actor=personas.creator, kind="pii",
                        parameters={"action": "mask"})  # fmt: skip
    client = client_as("creator")
    url = reverse("publisher:ai-policy", args=[acme_api.uuid, second.pk])
    assert client.post(url, {"action": "up"}).status_code == 302
    assert list(acme_api.policies.values_list("pk", flat=True)) == [second.pk, first.pk]
    shown = client.get(page(acme_api)).content.decode()
    assert shown.index("PII guardrail") < shown.index("Word count guardrail")
    saved = client.post(url, {"flow": "request", "action": "mask_restore", "mode": "block"})
    assert saved.status_code == 302
    second.refresh_from_db()
    assert second.parameters == {"action": "mask_restore"}
    assert client.post(url, {"action": "remove"}).status_code == 302
    assert list(acme_api.policies.all()) == [first]
