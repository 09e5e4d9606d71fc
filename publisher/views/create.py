"""Create AI API, WSO2 style: choose provider and version, then name, context and version."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from core.errors import TollgateError
from core.models import VendorVersion
from core.services import apis as api_services
from core.web.forms import apply_errors
from core.web.rendering import render_page
from core.web.requests import MemberRequest
from publisher.forms import ApiDetailsForm, ProviderForm, vendors_for
from publisher.views.common import portal_view, status_of

PROVIDER_TEMPLATE = "publisher/create_provider.html"


@portal_view("api.create")
def choose_provider(request: MemberRequest) -> HttpResponse:
    """Step 1. Submitting both choices moves to step 2; choosing a provider lists its versions."""
    wants_next = "next" in request.GET
    if wants_next:
        form = ProviderForm(request.GET, tenant=request.tenant)
        if form.is_valid():
            version = form.cleaned_data["vendor_version"]
            return redirect(f"{reverse('publisher:create-details')}?vendor_version={version.pk}")
    else:
        form = ProviderForm(initial=request.GET.dict(), tenant=request.tenant)
    context = {"form": form, "section": "create"}
    status = status_of(form) if wants_next else 200
    return render_page(request, PROVIDER_TEMPLATE, context, partial="versions", status=status)


def _chosen_version(request: MemberRequest) -> VendorVersion | None:
    version_id = request.POST.get("vendor_version") or request.GET.get("vendor_version", "")
    if not str(version_id).isdigit():
        return None
    versions = VendorVersion.objects.select_related("vendor")
    return versions.filter(vendor__in=vendors_for(request.tenant), pk=version_id).first()


@portal_view("api.create")
def enter_details(request: MemberRequest) -> HttpResponse:
    """Step 2: name, context, version and the endpoint prefilled from the provider."""
    vendor_version = _chosen_version(request)
    if vendor_version is None:
        messages.error(request, "Choose an AI provider and its API version first.")
        return redirect("publisher:create")
    initial = {"endpoint_url": vendor_version.base_url, "version": "1.0.0"}
    form = ApiDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            api = api_services.create_api(
                tenant=request.tenant,
                actor=request.user,
                vendor_version=vendor_version,
                **form.cleaned_data,
            )
        except TollgateError as exc:
            apply_errors(form, exc, rename={"url": "endpoint_url"})
        else:
            messages.success(request, f"Created {api.name} {api.version}.")
            return redirect("publisher:overview", api_uuid=api.uuid)
    context = {"form": form, "vendor_version": vendor_version, "section": "create"}
    return render_page(request, "publisher/create_details.html", context, status=status_of(form))
