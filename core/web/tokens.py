"""Account › Access tokens: create (the plaintext is shown once), list with tenant, access,
roles, expiry and last use, and revoke. From the signed-in browser session only."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.validators import MaxValueValidator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import selectors
from core.errors import NotFound, TollgateError
from core.models import ROLE_VALUES, TokenAccess
from core.services import tokens as token_services
from core.web.forms import apply_errors, field_of

TEMPLATE = "registration/tokens.html"


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. ci-deploy.")
    tenant = forms.ChoiceField(help_text="The one tenant the token reaches.")
    access = forms.ChoiceField(
        choices=TokenAccess.choices,
        initial=TokenAccess.READ,
        widget=forms.RadioSelect,
        help_text="Read-only tokens are refused on every write.",
    )
    roles = forms.MultipleChoiceField(
        choices=[(role, role.capitalize()) for role in sorted(ROLE_VALUES)],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave empty for all your roles in that tenant; otherwise a subset of them.",
    )
    days = forms.IntegerField(
        label="Expires in (days)",
        min_value=1,
        initial=90,
        help_text="Tokens always expire.",
    )

    def __init__(self, *args, memberships, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.memberships = {m.tenant.slug: m for m in memberships}
        choices = [(slug, m.tenant.name) for slug, m in self.memberships.items()]
        field_of(self, "tenant", forms.ChoiceField).choices = choices
        days = self.fields["days"]
        days.initial = settings.TOKEN_DEFAULT_DAYS
        days.validators.append(MaxValueValidator(settings.TOKEN_MAX_DAYS))
        days.widget.attrs["max"] = settings.TOKEN_MAX_DAYS


def _create(request: HttpRequest, form: TokenForm) -> str | None:
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        token, plaintext = token_services.create_token(
            user=request.user,
            name=data["name"],
            access=data["access"],
            tenant=form.memberships[data["tenant"]].tenant,
            roles=data["roles"] or None,
            expires_at=timezone.now() + timedelta(days=data["days"]),
        )
    except TollgateError as exc:
        apply_errors(form, exc)
        return None
    messages.success(request, f"Created the token {token.name}; copy it now.")
    return plaintext


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    memberships = list(selectors.memberships_of(request.user))
    form = TokenForm(request.POST or None, memberships=memberships)
    plaintext = _create(request, form) if request.method == "POST" else None
    if plaintext:
        form = TokenForm(memberships=memberships)
    context = {
        "form": form,
        "plaintext": plaintext,
        "tokens": selectors.tokens(request.user).select_related("tenant"),
        "now": timezone.now(),
    }
    status = 400 if request.method == "POST" and not plaintext else 200
    return render(request, TEMPLATE, context, status=status)


@login_required
@require_POST
def revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = selectors.token(request.user, token_id)
    except NotFound:
        raise Http404("No such token.") from None
    token_services.revoke_token(token=token, actor=request.user)
    messages.success(request, f"Revoked the token {token.name}.")
    return redirect("tokens")
