"""Policies: which plans may subscribe, backend token and request limits, request size, the
provider's account headers."""

from __future__ import annotations

from django.http import HttpResponse

from core.errors import TollgateError
from core.models import AiApi, EndpointKind
from core.permissions import can
from core.services import apis as api_services
from core.web.forms import apply_errors
from core.web.rendering import render_page
from core.web.requests import MemberRequest
from publisher.forms import PoliciesForm
from publisher.views.common import api_view, finish, require_perm, status_of


def _save(request: MemberRequest, api: AiApi, form: PoliciesForm) -> bool:
    try:
        api_services.update_api(
            api=api,
            actor=request.user,
            allowed_plans=list(form.cleaned_data["allowed_plans"]),
            backend_limits=form.backend_limits(),
            request_size_limit=form.cleaned_data["request_size_limit"],
            pass_provider_headers=form.cleaned_data["pass_provider_headers"],
        )
    except TollgateError as exc:
        apply_errors(form, exc)
        return False
    return True


@api_view("api.view")
def policies(request: MemberRequest, api: AiApi) -> HttpResponse:
    form = PoliciesForm(initial=PoliciesForm.initial_for(api), tenant=request.tenant)
    if request.method == "POST":
        if denied := require_perm(request, "api.update"):
            return denied
        form = PoliciesForm(request.POST, tenant=request.tenant)
        if form.is_valid() and _save(request, api, form):
            if done := finish(request, "Saved the policies.", request.path):
                return done
            form = PoliciesForm(initial=PoliciesForm.initial_for(api), tenant=request.tenant)
    context = {
        "api": api,
        "section": "policies",
        "form": form,
        "limit_groups": [(kind.label, form.limit_fields(kind.value)) for kind in EndpointKind],
        "can_edit": can(request.membership, "api.update"),
    }
    return render_page(
        request, "publisher/api_policies.html", context, partial="policies", status=status_of(form)
    )
