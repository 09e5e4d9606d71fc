"""Lifecycle: the current state, one button per allowed transition, and the history."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse

from core.errors import TollgateError
from core.models import AiApi, LifecycleState
from core.permissions import can
from core.services import lifecycle as lifecycle_services
from core.services.lifecycle import ACTION_NAMES, DESTRUCTIVE, allowed_transitions
from core.web.rendering import render_page
from core.web.requests import MemberRequest
from publisher.forms import LifecycleForm
from publisher.views.common import api_view, finish, forbidden

TEMPLATE = "publisher/api_lifecycle.html"
CONSEQUENCES: dict[str, str] = {
    LifecycleState.PUBLISHED: "Developers see it in the developer portal and may subscribe.",
    LifecycleState.PROTOTYPED: "Developers may try it out before it is published.",
    LifecycleState.CREATED: "It leaves the developer portal; deployed revisions stop serving.",
    LifecycleState.BLOCKED: "Every call is refused until it is published again.",
    LifecycleState.DEPRECATED: "Existing subscribers keep access; no new subscriptions.",
    LifecycleState.RETIRED: "It stops serving for good and leaves the developer portal. "
    "This is final.",
}


@dataclass(frozen=True)
class Transition:
    to_state: str
    label: str
    consequence: str
    destructive: bool

    @property
    def label_lower(self) -> str:
        return self.label.lower()

    @property
    def fields(self) -> list[tuple[str, str]]:
        return [("to_state", self.to_state)]


def transitions_from(state: str) -> list[Transition]:
    transitions = [
        Transition(to, ACTION_NAMES[to], CONSEQUENCES[to], to in DESTRUCTIVE)
        for to in allowed_transitions(state)
    ]
    # Publish first, the destructive ones last.
    return sorted(transitions, key=lambda t: (t.to_state != "PUBLISHED", t.destructive, t.label))


def _context(request: MemberRequest, api: AiApi, confirm: Transition | None = None) -> dict:
    return {
        "api": api,
        "section": "lifecycle",
        "transitions": transitions_from(api.lifecycle_state),
        "confirm": confirm,
        "history": api.lifecycle_events.select_related("actor"),
        "can_change": can(request.membership, "api.lifecycle"),
        "deployed": api.deployments.exists(),
    }


def _change(request: MemberRequest, api: AiApi, form: LifecycleForm) -> tuple[dict, int] | None:
    """Applies the transition; returns (context, status) when the page must be shown again."""
    to_state = form.cleaned_data["to_state"]
    wanted = next(
        (t for t in transitions_from(api.lifecycle_state) if t.to_state == to_state), None
    )
    if wanted and wanted.destructive and not form.cleaned_data["confirmed"]:
        return _context(request, api, confirm=wanted), 200
    try:
        lifecycle_services.change_lifecycle(
            api=api, to_state=to_state, actor=request.user, note=form.cleaned_data["note"]
        )
    except TollgateError as exc:
        messages.error(request, exc.message)
        return _context(request, api), exc.status
    return None


@api_view("api.view")
def lifecycle(request: MemberRequest, api: AiApi) -> HttpResponse:
    context, status = None, 200
    if request.method == "POST":
        if not can(request.membership, "api.lifecycle"):
            return forbidden(request, "api.lifecycle")
        form = LifecycleForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a lifecycle state.")
            context, status = _context(request, api), 400
        elif result := _change(request, api, form):
            context, status = result
        else:
            api.refresh_from_db()
            label = LifecycleState(api.lifecycle_state).label.lower()
            if done := finish(request, f"{api.name} {api.version} is now {label}.", request.path):
                return done
    return render_page(
        request, TEMPLATE, context or _context(request, api), partial="panel", status=status
    )
