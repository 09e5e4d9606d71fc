"""API lifecycle: WSO2's six states and the transitions between them."""

from __future__ import annotations

from django.db import transaction

from core.errors import InvalidTransition
from core.models import AiApi, LifecycleEvent
from core.models import LifecycleState as S
from core.registry.triggers import republish_api
from core.services.audit import record

TRANSITIONS: dict[str, frozenset[str]] = {
    S.CREATED: frozenset({S.PUBLISHED, S.PROTOTYPED}),
    S.PROTOTYPED: frozenset({S.PUBLISHED, S.CREATED}),
    S.PUBLISHED: frozenset({S.BLOCKED, S.DEPRECATED, S.PROTOTYPED, S.CREATED}),
    S.BLOCKED: frozenset({S.PUBLISHED, S.DEPRECATED}),
    S.DEPRECATED: frozenset({S.RETIRED}),
    S.RETIRED: frozenset(),
}
DESTRUCTIVE = frozenset({S.BLOCKED, S.RETIRED})

# The names WSO2 gives the transitions, for buttons.
ACTION_NAMES: dict[str, str] = {
    S.PUBLISHED: "Publish",
    S.PROTOTYPED: "Deploy as a prototype",
    S.CREATED: "Demote to created",
    S.BLOCKED: "Block",
    S.DEPRECATED: "Deprecate",
    S.RETIRED: "Retire",
}


def allowed_transitions(state: str) -> list[str]:
    return sorted(TRANSITIONS[state])


@transaction.atomic
def change_lifecycle(*, api: AiApi, to_state: str, actor, note: str = "") -> LifecycleEvent:
    locked = AiApi.objects.select_for_update().get(pk=api.pk)
    api.lifecycle_state = locked.lifecycle_state
    if to_state not in S.values:
        raise InvalidTransition(f"{to_state!r} is not a lifecycle state.")
    if to_state not in TRANSITIONS[api.lifecycle_state]:
        allowed = ", ".join(allowed_transitions(api.lifecycle_state)) or "none (final state)"
        raise InvalidTransition(
            f"Cannot move {api.name} {api.version} from {api.lifecycle_state} to {to_state}; "
            f"allowed: {allowed}."
        )
    event = LifecycleEvent.objects.create(
        api=api, from_state=api.lifecycle_state, to_state=to_state, actor=actor, note=note
    )
    api.lifecycle_state = to_state
    api.save(update_fields=["lifecycle_state", "updated_at"])
    record(
        tenant=api.tenant,
        actor=actor,
        action="api.lifecycle",
        obj=api,
        changes={"from": event.from_state, "to": to_state},
    )
    republish_api(api.pk)
    return event
