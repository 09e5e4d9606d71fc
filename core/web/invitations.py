"""The invitation link's page: what it offers, and a POST to accept, sign up or confirm the
address. Opening the link changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.errors import TollgateError
from core.models import Invitation
from core.services import invitations
from core.tenancy import switch_tenant
from core.web.accounts import MODEL_BACKEND, SignupForm, send_verification
from core.web.forms import apply_errors

TEMPLATE = "registration/invitation.html"


def masked(email: str) -> str:
    """n•••@acme.test: enough to recognise one's own address, not to learn another's."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}{'•' * 3}@{domain}"


def invitation_page(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitations.find_invitation(token)
    if invitation is None:
        return render(request, "registration/invitation_invalid.html", status=404)
    form = SignupForm(request.POST or None) if not request.user.is_authenticated else None
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        handler = _ACTIONS.get(action) if request.user.is_authenticated else _sign_up
        try:
            done = handler(request, invitation, form) if handler else None
        except TollgateError as exc:
            if form is None:
                messages.error(request, exc.message)
            else:
                apply_errors(form, exc)
            status = exc.status
        else:
            if done is not None:
                return done
            status = 400 if form is not None else 200
    return render(request, TEMPLATE, _context(request, invitation, form), status=status)


def _context(request: HttpRequest, invitation: Invitation, form) -> dict:
    refusal = invitations.refusal(invitation, request.user) if form is None else None
    return {
        "invitation": invitation,
        "form": form,
        "refusal": refusal,
        "invited_address": masked(invitation.email),
    }


def _joined(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    switch_tenant(request, invitation.tenant)
    messages.success(request, f"You joined {invitation.tenant.name}.")
    return redirect("home")


def _accept(request: HttpRequest, invitation: Invitation, form) -> HttpResponse:
    invitations.accept(invitation=invitation, user=request.user)
    return _joined(request, invitation)


def _send_confirmation(request: HttpRequest, invitation: Invitation, form) -> None:
    if invitations.refusal(invitation, request.user) == "unverified":
        send_verification(request, request.user, next_url=request.path)
        address = getattr(request.user, "email", "")
        messages.success(request, f"We sent a confirmation link to {address}.")


def _sign_up(request: HttpRequest, invitation: Invitation, form) -> HttpResponse | None:
    if not form.is_valid():
        return None
    account = invitations.NewAccount(**form.cleaned_data)
    membership = invitations.sign_up_and_accept(invitation=invitation, account=account)
    login(request, membership.user, backend=MODEL_BACKEND)
    return _joined(request, invitation)


_ACTIONS = {"accept": _accept, "confirm-address": _send_confirmation}
