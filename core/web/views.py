"""Pages shared by both portals: home, tenant switch, health."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from core.health import dependency_checks
from core.tenancy import memberships_of, switch_tenant
from core.web.redirects import next_of
from core.web.requests import TenantRequest
from core.web.signin import portal_home


def home(request: TenantRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("devportal:index")
    return redirect(portal_home(request.membership))


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers (dependencies are /readyz's business)."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database (and Redis, in the Redis mode) answer, else 503."""
    checks = dependency_checks()
    ready = all(state in ("ok", "not used") for state in checks.values())
    body = {"status": "ready" if ready else "unavailable", **checks}
    response = JsonResponse(body, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response


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
