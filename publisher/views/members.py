"""Tenant settings › Members: invite by email link (listed with state, revocable), change
roles, remove (admins only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.mail import send_mail
from django.http import HttpResponse
from django.urls import reverse

from core import selectors
from core.errors import NotFound, TollgateError
from core.models import Membership
from core.services import invitations as invitation_services
from core.services import tenants as tenant_services
from core.web.forms import apply_errors
from core.web.rendering import render_page
from core.web.requests import MemberRequest
from publisher.forms import InviteForm, RolesForm
from publisher.views.common import finish, portal_view

TEMPLATE = "publisher/settings_members.html"


@dataclass
class MemberRow:
    membership: Membership
    form: RolesForm


def _rows(request: MemberRequest, posted: RolesForm | None = None) -> list[MemberRow]:
    rows = []
    for membership in selectors.members(request.tenant):
        prefix = f"m{membership.user_id}"
        form = (
            posted
            if posted and posted.prefix == prefix
            else RolesForm(prefix=prefix, initial={"roles": membership.roles})
        )
        rows.append(MemberRow(membership, form))
    return rows


def _send_invitation(request: MemberRequest, form: InviteForm) -> str:
    invitation, token = invitation_services.invite(
        tenant=request.tenant, actor=request.user, **form.cleaned_data
    )
    link = request.build_absolute_uri(reverse("accept-invitation", args=[token]))
    send_mail(
        subject=f"You are invited to {request.tenant.name} on Tollgate",
        message=f"{request.user.username} invited you to {request.tenant.name} as "
        f"{', '.join(invitation.roles)}.\n\nAccept within {invitation_services.INVITATION_DAYS} "
        f"days: {link}\n",
        from_email=None,
        recipient_list=[invitation.email],
    )
    messages.success(request, f"Invited {invitation.email}; the link was emailed.")
    return link


def _member(request: MemberRequest) -> Membership:
    user_id = request.POST.get("member", "")
    if not user_id.isdigit():
        raise NotFound("Member not found.")
    return selectors.member(request.tenant, int(user_id))


@dataclass
class Outcome:
    invite_form: InviteForm
    roles_form: RolesForm | None = None
    invite_link: str = ""
    confirm_remove: Membership | None = None
    status: int = 200
    done: str = ""


def _invite(request: MemberRequest, outcome: Outcome) -> None:
    form = outcome.invite_form = InviteForm(request.POST)
    if form.is_valid():
        try:
            outcome.invite_link = _send_invitation(request, form)
            outcome.invite_form = InviteForm()
            return
        except TollgateError as exc:
            apply_errors(form, exc)
    outcome.status = 400


def _roles(request: MemberRequest, outcome: Outcome) -> None:
    membership = _member(request)
    form = RolesForm(request.POST, prefix=f"m{membership.user_id}")
    if form.is_valid():
        tenant_services.change_roles(
            membership=membership, roles=form.cleaned_data["roles"], actor=request.user
        )
        outcome.done = f"Changed {membership.user.username}'s roles."
    else:
        outcome.roles_form, outcome.status = form, 400


def _revoke_invitation(request: MemberRequest, outcome: Outcome) -> None:
    invitation_id = request.POST.get("invitation", "")
    if not invitation_id.isdigit():
        raise NotFound("Invitation not found.")
    invitation = selectors.invitation(request.tenant, int(invitation_id))
    invitation_services.revoke(invitation=invitation, actor=request.user)
    outcome.done = f"Revoked the invitation of {invitation.email}."


def _remove(request: MemberRequest, outcome: Outcome) -> None:
    membership = _member(request)
    if request.POST.get("confirmed") != "1":
        outcome.confirm_remove = membership
        return
    tenant_services.remove_member(membership=membership, actor=request.user)
    outcome.done = f"Removed {membership.user.username} from {request.tenant.name}."


REMOVE_CONSEQUENCE = (
    "They lose access to this tenant's portals at once. Their applications stay until deleted."
)


def _remove_fields(membership: Membership | None) -> list[tuple[str, str]]:
    return [("action", "remove"), ("member", str(membership.user_id))] if membership else []


ACTIONS = {
    "invite": _invite,
    "roles": _roles,
    "remove": _remove,
    "revoke-invitation": _revoke_invitation,
}
RECENT_INVITATIONS = 20


@portal_view("tenant.manage")
def members(request: MemberRequest) -> HttpResponse:
    outcome = Outcome(InviteForm())
    if request.method == "POST":
        action = ACTIONS.get(request.POST.get("action", ""))
        try:
            if action is None:
                raise NotFound("Unknown action.")
            action(request, outcome)
        except TollgateError as exc:
            messages.error(request, exc.message)
            outcome.status = exc.status
        if outcome.done and (done := finish(request, outcome.done, request.path)):
            return done
    context = {
        "section": "members",
        "rows": _rows(request, outcome.roles_form),
        "invitations": selectors.invitations(request.tenant)[:RECENT_INVITATIONS],
        "invite_form": outcome.invite_form,
        "invite_link": outcome.invite_link,
        "confirm_remove": outcome.confirm_remove,
        "confirm_remove_fields": _remove_fields(outcome.confirm_remove),
        "remove_consequence": REMOVE_CONSEQUENCE,
    }
    return render_page(request, TEMPLATE, context, partial="panel", status=outcome.status)
