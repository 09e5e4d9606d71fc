"""Tenant settings › AI vendors: built-in vendors (read-only) and the tenant's custom ones,
which admins define without code (WSO2's custom AI service provider)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from core import selectors
from core.errors import Forbidden, TollgateError
from core.models import Vendor, VendorVersion
from core.services import vendors as vendor_services
from core.web.forms import apply_errors
from core.web.rendering import render_page
from core.web.requests import MemberRequest
from publisher.vendor_forms import SERVICE_FIELDS, VendorForm, definition_preview
from publisher.views.common import portal_view, status_of

EDIT_TEMPLATE = "publisher/settings_vendor_edit.html"
READ_ONLY = "Built-in vendors are read-only; define a custom vendor instead."


@portal_view("tenant.manage")
def vendor_list(request: MemberRequest) -> HttpResponse:
    vendors = selectors.vendors(request.tenant).annotate(
        api_count=Count("versions__apis", filter=Q(versions__apis__tenant=request.tenant))
    )
    context = {
        "section": "vendors",
        "builtin": [vendor for vendor in vendors if vendor.is_builtin],
        "custom": [vendor for vendor in vendors if not vendor.is_builtin],
    }
    return render_page(request, "publisher/settings_vendors.html", context)


def _report(form: VendorForm, error: TollgateError) -> None:
    apply_errors(form, error, rename={**SERVICE_FIELDS, "api_definition": form.definition_field()})


@portal_view("tenant.manage")
def vendor_create(request: MemberRequest) -> HttpResponse:
    form = VendorForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            vendor = vendor_services.create_custom_vendor(
                tenant=request.tenant,
                actor=request.user,
                slug=form.cleaned_data["slug"],
                **form.service_values(),
            )
        except TollgateError as exc:
            _report(form, exc)
        else:
            messages.success(request, f"Created the custom vendor {vendor.name}.")
            return redirect("publisher:vendors")
    form.keep_uploaded_definition()
    context = {"section": "vendors", "form": form}
    return render_page(
        request, "publisher/settings_vendor_new.html", context, status=status_of(form)
    )


def _chosen_version(vendor: Vendor, wanted: str) -> VendorVersion:
    versions = vendor.versions.order_by("-created_at", "-pk")
    chosen = (versions.filter(version=wanted).first() if wanted else None) or versions.first()
    if chosen is None:  # a vendor is created with its first version
        raise Http404("This vendor has no version.")
    return chosen


def _save(request: MemberRequest, form: VendorForm, vendor: Vendor) -> str | None:
    """The confirmation, or None with the errors on the form."""
    editing = form.editing
    assert editing is not None, "the edit page binds the form to the version it shows"
    values = form.service_values()
    version = values.pop("version")
    is_new = version != editing.version
    if is_new and vendor.versions.filter(version=version).exists():
        form.add_error("version", f"{vendor.name} already has version {version}; open it to edit.")
        return None
    if is_new:  # the service would start from the newest version; the form shows this one
        values.setdefault("api_definition", editing.api_definition)
    try:
        vendor_services.update_custom_vendor(
            vendor=vendor, actor=request.user, version=version, **values
        )
    except TollgateError as exc:
        _report(form, exc)
        return None
    if is_new:
        return f"Added version {version} to {vendor.name}."
    return f"Saved {vendor.name} {version}."


def _delete(request: MemberRequest, vendor: Vendor, context: dict) -> HttpResponse:
    try:
        vendor_services.delete_custom_vendor(vendor=vendor, actor=request.user)
    except TollgateError as exc:
        for problems in exc.fields.values() or [[exc.message]]:
            for problem in problems:
                messages.error(request, f"{vendor.name} cannot be deleted. {problem}")
        return render_page(request, EDIT_TEMPLATE, context, status=exc.status)
    messages.success(request, f"Deleted the custom vendor {vendor.name}.")
    return redirect("publisher:vendors")


@portal_view("tenant.manage")
def vendor_edit(request: MemberRequest, vendor_id: int) -> HttpResponse:
    vendor = get_object_or_404(selectors.vendors(request.tenant), pk=vendor_id)
    version = _chosen_version(vendor, request.GET.get("version", ""))
    form = VendorForm(request.POST or None, request.FILES or None, editing=version,
                      initial=VendorForm.initial_for(version))  # fmt: skip
    context = {
        "section": "vendors",
        "vendor": vendor,
        "version": version,
        "form": None if vendor.is_builtin else form,
        "definition": definition_preview(version),
        "apis": request.tenant.apis.filter(vendor_version__vendor=vendor).order_by("name"),
    }
    if request.method == "POST" and vendor.is_builtin:
        messages.error(request, READ_ONLY)
        return render_page(request, EDIT_TEMPLATE, context, status=Forbidden.status)
    if request.method == "POST" and request.POST.get("action") == "delete":
        return _delete(request, vendor, context)
    if request.method == "POST" and form.is_valid() and (done := _save(request, form, vendor)):
        messages.success(request, done)
        query = urlencode({"version": form.cleaned_data["version"].strip()})
        return redirect(f"{request.path}?{query}")
    form.keep_uploaded_definition()
    return render_page(request, EDIT_TEMPLATE, context, status=status_of(form))
