"""Create New Version (WSO2): a copy of the API under the same context, and the default."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from core.errors import TollgateError
from core.models import AiApi
from core.services import versions
from core.web.forms import apply_errors
from core.web.requests import MemberRequest
from publisher.views.common import api_view


class NewVersionForm(forms.Form):
    version = forms.CharField(max_length=30, label="New version", help_text="e.g. 2.0.0")
    make_default = forms.BooleanField(required=False, label="Make it the default version")


@api_view("api.create")
def new_version(request: MemberRequest, api: AiApi) -> HttpResponse:
    form = NewVersionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            copy = versions.create_new_version(api=api, actor=request.user, **form.cleaned_data)
        except TollgateError as exc:
            apply_errors(form, exc, rename={"context": "version"})
        else:
            messages.success(
                request,
                f"Created {copy.name} {copy.version}: endpoints copied without their keys.",
            )
            return redirect("publisher:overview", api_uuid=copy.uuid)
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, f"New version: {error}")
    return redirect("publisher:overview", api_uuid=api.uuid)


@api_view("api.update")
def make_default(request: MemberRequest, api: AiApi) -> HttpResponse:
    if request.method == "POST":
        versions.set_default_version(api=api, actor=request.user)
        messages.success(request, f"{api.name} {api.version} is now the default version.")
    return redirect("publisher:overview", api_uuid=api.uuid)
