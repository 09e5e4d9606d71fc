"""Every lifecycle transition of the 6×6 matrix, through the service."""

from __future__ import annotations

import itertools

import pytest

from core.errors import InvalidTransition
from core.models import AiApi, AuditLog, LifecycleEvent
from core.models import LifecycleState as S
from core.services.lifecycle import TRANSITIONS, change_lifecycle
from tests.core.builders import make_api

# WSO2's table (issue 2), written out independently of core.services.lifecycle.
ALLOWED = {
    (S.CREATED, S.PUBLISHED), (S.CREATED, S.PROTOTYPED),
    (S.PROTOTYPED, S.PUBLISHED), (S.PROTOTYPED, S.CREATED),
    (S.PUBLISHED, S.BLOCKED), (S.PUBLISHED, S.DEPRECATED), (S.PUBLISHED, S.PROTOTYPED),
    (S.PUBLISHED, S.CREATED),
    (S.BLOCKED, S.PUBLISHED), (S.BLOCKED, S.DEPRECATED),
    (S.DEPRECATED, S.RETIRED),
}  # fmt: skip
PAIRS = list(itertools.product(S.values, S.values))


def api_in_state(personas, state: str) -> AiApi:
    api = make_api(personas.tenant, personas.creator)
    AiApi.objects.filter(pk=api.pk).update(lifecycle_state=state)  # test setup, not a transition
    api.refresh_from_db()
    return api


def test_the_table_matches_the_service() -> None:
    declared = {(src, dst) for src, targets in TRANSITIONS.items() for dst in targets}
    assert declared == ALLOWED


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[f"{a}->{b}" for a, b in PAIRS])
def test_transition(personas, source: str, target: str) -> None:
    api = api_in_state(personas, source)
    if (source, target) in ALLOWED:
        event = change_lifecycle(api=api, to_state=target, actor=personas.publisher, note="n")
        api.refresh_from_db()
        assert api.lifecycle_state == target
        assert (event.from_state, event.to_state) == (source, target)
        assert event.actor == personas.publisher
        audit = AuditLog.objects.filter(action="api.lifecycle", object_id=str(api.pk)).get()
        assert audit.changes == {"from": source, "to": target}
        assert (audit.actor, audit.tenant) == (personas.publisher, personas.tenant)
    else:
        with pytest.raises(InvalidTransition) as refused:
            change_lifecycle(api=api, to_state=target, actor=personas.publisher)
        assert refused.value.status == 409
        api.refresh_from_db()
        assert api.lifecycle_state == source
        assert not LifecycleEvent.objects.filter(api=api).exists()


def test_unknown_state_is_refused(personas) -> None:
    api = api_in_state(personas, S.CREATED)
    with pytest.raises(InvalidTransition):
        change_lifecycle(api=api, to_state="LAUNCHED", actor=personas.publisher)


def test_retired_is_final(personas) -> None:
    api = api_in_state(personas, S.RETIRED)
    for target in S.values:
        with pytest.raises(InvalidTransition):
            change_lifecycle(api=api, to_state=target, actor=personas.publisher)
