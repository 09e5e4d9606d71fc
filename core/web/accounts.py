"""Account pages: self sign-up to a tenant's developer portal and email verification."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.errors import TollgateError
from core.models import Tenant
from core.services import accounts
from core.services import tenants as tenant_services
from core.tenancy import switch_tenant
from core.web.forms import apply_errors
from core.web.redirects import next_of

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


class SignupForm(forms.Form):
    username = forms.CharField(
        max_length=150,
        widget=forms.TextInput({"autocomplete": "username"}),
        help_text="Letters, digits and @ . + - _ only.",
    )
    email = forms.EmailField(widget=forms.EmailInput({"autocomplete": "email"}))
    password = forms.CharField(
        widget=forms.PasswordInput({"autocomplete": "new-password"}),
        strip=False,
        help_text="At least 8 characters, not only digits, not a common password, "
        "not like your username or address.",
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if "password" in data:
            try:
                accounts.clean_password(
                    data["password"],
                    username=data.get("username", ""),
                    email=data.get("email", ""),
                )
            except TollgateError as exc:
                self.add_error("password", exc.fields["password"])
        return data


def send_verification(request: HttpRequest, user, *, next_url: str = "") -> None:
    link = reverse("verify-email", args=[accounts.verification_token(user)])
    if next_url:
        link += "?" + urlencode({"next": next_url})
    accounts.send_verification(user, link=request.build_absolute_uri(link))


def signup(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    tenant = get_object_or_404(Tenant, slug=tenant_slug)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = tenant_services.sign_up(tenant=tenant, **form.cleaned_data)
        except TollgateError as exc:
            apply_errors(form, exc)
        else:
            login(request, membership.user, backend=MODEL_BACKEND)
            switch_tenant(request, tenant)
            send_verification(request, membership.user)
            messages.success(request, f"Welcome to {tenant.name}'s developer portal.")
            return redirect("devportal:index")
    return render(request, "registration/signup.html", {"form": form, "tenant": tenant})


def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the verification email: proves the address, then goes on (same site only)."""
    user = accounts.verify_email(token)
    if user is None:
        messages.error(request, "This confirmation link is not valid any more; ask for a new one.")
    else:
        messages.success(request, f"Confirmed {user.email}.")
    return redirect(next_of(request))
