"""Pages shared by both portals: home, tenant switch, health."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from core.tenancy import memberships_of, switch_tenant
from core.web.redirects import next_of
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
    return redirect(next_of(request))
