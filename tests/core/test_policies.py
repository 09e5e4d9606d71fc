"""AI policies on the control plane: validated writes, execution order, and the revision that
carries them to the gateway (a policy change is a new revision)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from core.errors import InvalidInput
from core.models import Deployment
from core.registry.compiler import compile_deployment
from core.services import deployments
from core.services import policies as services
from tests.core.builders import deploy, make_api, move_to

GUARD = {"kind": "regex_guard", "parameters": {"pattern": "(?i)password"}}


@pytest.fixture
def chat(personas):
    api = make_api(personas.tenant, personas.creator)
    return move_to(api, "PUBLISHED", personas.creator)


def test_invalid_parameters_and_unknown_operations_are_field_errors(personas, chat):
    with pytest.raises(InvalidInput) as bad_regex:
        services.add_policy(api=chat, actor=personas.creator, kind="regex_guard",
                            parameters={"pattern": "("})  # fmt: skip
    assert "pattern" in bad_regex.value.fields
    with pytest.raises(InvalidInput) as bad_operation:
        services.add_policy(api=chat, actor=personas.creator, operation="/audio/speech", **GUARD)
    assert "operation" in bad_operation.value.fields
    with pytest.raises(InvalidInput) as bad_flow:
        services.add_policy(api=chat, actor=personas.creator, kind="prompt_decorator",
                            flow="response", parameters={"append": [
                                {"role": "user", "content": "x"}]})  # fmt: skip
    assert "flow" in bad_flow.value.fields


def test_policies_reach_the_snapshot_with_the_next_revision_in_order(personas, chat):
    actor = personas.creator
    deploy(chat, actor)
    first = services.add_policy(api=chat, actor=actor, name="first", **GUARD)
    second = services.add_policy(
        api=chat, actor=actor, kind="word_count_guard", parameters={"max": 100}
    )
    live = Deployment.objects.get(api=chat)
    assert compile_deployment(live, 1).policies == ()  # not deployed yet

    services.move_policy(policy=second, actor=actor, offset=-1)
    revision = deployments.create_revision(api=chat, actor=actor)
    deployment = deployments.deploy_revision(
        revision=revision, environment=live.environment, actor=actor
    )
    snapshot = compile_deployment(deployment, 2)
    assert [p["kind"] for p in snapshot.policies] == ["word_count_guard", "regex_guard"]
    assert snapshot.policies[1]["name"] == first.name


def test_rest_answers_field_errors_and_reorders(personas, chat):
    client = APIClient()
    client.force_authenticate(user=personas.creator)
    base = f"/api/v1/tenants/acme/apis/{chat.pk}/policies/"
    bad = client.post(base, {"kind": "pii", "parameters": {"action": "shred"}}, format="json")
    assert bad.status_code == 400 and "action" in str(bad.json())
    ids = [client.post(base, GUARD, format="json").json()["id"] for _ in range(2)]
    reordered = client.post(base + "order/", {"order": ids[::-1]}, format="json")
    assert [p["id"] for p in reordered.json()] == ids[::-1]
    assert [p["id"] for p in client.get(base).json()] == ids[::-1]
