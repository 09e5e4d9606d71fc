"""Pages shared by both portals: home, sign-up, invitations, tenant switch, health."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.errors import TollgateError
from core.models import Tenant
from core.services import tenants as tenant_services
from core.tenancy import memberships_of, switch_tenant
from core.web.forms import apply_errors
from core.web.requests import TenantRequest
from core.web.signin import portal_home


def home(request: TenantRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("devportal:index")
    return redirect(portal_home(request.membership))


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@login_required
@require_POST
def switch_tenant_view(request: HttpRequest) -> HttpResponse:
    slug = request.POST.get("tenant", "")
    for membership in memberships_of(request.user):
        if membership.tenant.slug == slug:
            switch_tenant(request, membership.tenant)
            messages.success(request, f"Switched to {membership.tenant.name}.")
            break
    else:
        messages.error(request, "You are not a member of that tenant.")
    return redirect(request.POST.get("next") or "home")


class SignupForm(forms.Form):
    username = forms.CharField(max_length=150, widget=forms.TextInput({"autocomplete": "username"}))
    email = forms.EmailField(widget=forms.EmailInput({"autocomplete": "email"}))
    password = forms.CharField(
        widget=forms.PasswordInput({"autocomplete": "new-password"}), min_length=8
    )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        try:
            validate_password(password)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from None
        return password


def signup(request: HttpRequest, tenant_slug: str) -> HttpResponse:
    tenant = get_object_or_404(Tenant, slug=tenant_slug)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = tenant_services.sign_up(tenant=tenant, **form.cleaned_data)
        except TollgateError as exc:
            apply_errors(form, exc)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            switch_tenant(request, tenant)
            messages.success(request, f"Welcome to {tenant.name}'s developer portal.")
            return redirect("devportal:index")
    return render(request, "registration/signup.html", {"form": form, "tenant": tenant})


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = tenant_services.find_invitation(token)
    if invitation is None:
        return render(request, "registration/invitation_invalid.html", status=404)
    if not request.user.is_authenticated:
        form = SignupForm(request.POST or None, initial={"email": invitation.email})
        if request.method == "POST" and form.is_valid():
            from django.contrib.auth import get_user_model

            user_model = get_user_model()
            if user_model.objects.filter(username=form.cleaned_data["username"]).exists():
                form.add_error("username", "This username is taken.")
            else:
                user = user_model.objects.create_user(**form.cleaned_data)
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if not request.user.is_authenticated:
            return render(
                request, "registration/invitation.html", {"form": form, "invitation": invitation}
            )
    tenant_services.accept_invitation(invitation=invitation, user=request.user)
    switch_tenant(request, invitation.tenant)
    messages.success(request, f"You joined {invitation.tenant.name}.")
    return redirect("home")
