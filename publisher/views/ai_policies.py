"""API configurations › AI policies: guardrails, PII, prompt templates and decorators, listed
per operation and flow in execution order; add, configure, reorder and remove them."""

from __future__ import annotations

from itertools import groupby

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from core import selectors
from core.errors import TollgateError
from core.models import AiApi, ApiPolicy
from core.permissions import can
from core.services import policies as policy_services
from core.web.forms import apply_errors
from core.web.rendering import render_page
from core.web.requests import MemberRequest
from publisher.policy_forms import KINDS, PolicyForm, kind_label
from publisher.views.common import api_view, require_perm, status_of

MOVES = {"up": -1, "down": 1}


def _groups(api: AiApi) -> list[dict]:
    """The policies by (operation, flow), each group in execution order."""
    policies = list(selectors.api_policies(api))
    for policy in policies:
        policy.label = kind_label(policy.kind)  # type: ignore[attr-defined]

    def key(p: ApiPolicy) -> tuple[str, str]:
        return (p.operation, p.flow)

    return [
        {"operation": op or "Every operation", "flow": flow, "policies": list(items)}
        for (op, flow), items in groupby(sorted(policies, key=key), key=key)
    ]


def _render(request: MemberRequest, api: AiApi, form: PolicyForm | None, editing=None):
    context = {
        "api": api,
        "section": "ai-policies",
        "groups": _groups(api),
        "kinds": [(kind, label) for kind, (label, _fields) in KINDS.items()],
        "form": form,
        "editing": editing,
        "can_edit": can(request.membership, "api.update"),
    }
    return render_page(request, "publisher/api_ai_policies.html", context, status=status_of(form))


def _save(request: MemberRequest, form: PolicyForm, api: AiApi, policy=None) -> bool:
    values = {**form.envelope(), "parameters": form.parameters()}
    try:
        if policy is None:
            policy_services.add_policy(api=api, actor=request.user, kind=form.kind, **values)
        else:
            policy_services.update_policy(policy=policy, actor=request.user, **values)
    except TollgateError as exc:
        apply_errors(form, exc)
        return False
    return True


@api_view("api.view")
def page(request: MemberRequest, api: AiApi) -> HttpResponse:
    kind = request.GET.get("kind", "")
    if kind and kind not in KINDS:
        raise Http404("No such policy type.")
    operations = policy_services.operation_paths(api)
    form = None
    if kind:
        form = PolicyForm(kind=kind, operations=operations, initial={"flow": "request"})
    if request.method == "POST" and form is not None:
        if denied := require_perm(request, "api.update"):
            return denied
        form = PolicyForm(request.POST, kind=kind, operations=operations)
        if form.is_valid() and _save(request, form, api):
            return redirect(request.path)
    return _render(request, api, form)


@api_view("api.view")
def policy(request: MemberRequest, api: AiApi, policy_id: int) -> HttpResponse:
    found = get_object_or_404(api.policies, pk=policy_id)
    operations = policy_services.operation_paths(api)
    initial = PolicyForm.initial_for(found)
    form = PolicyForm(kind=found.kind, operations=operations, initial=initial)
    if request.method == "POST":
        if denied := require_perm(request, "api.update"):
            return denied
        action = request.POST.get("action", "save")
        back = redirect("publisher:ai-policies", api_uuid=api.uuid)
        if action == "remove":
            policy_services.remove_policy(policy=found, actor=request.user)
            return back
        if action in MOVES:
            policy_services.move_policy(policy=found, actor=request.user, offset=MOVES[action])
            return back
        form = PolicyForm(request.POST, kind=found.kind, operations=operations)
        if form.is_valid() and _save(request, form, api, found):
            return back
    return _render(request, api, form, editing=found)
