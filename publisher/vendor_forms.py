"""The custom AI vendor form: it parses input; core.services.vendors validates and saves."""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.http import QueryDict

from core.models import AuthScheme, VendorVersion
from core.services.api_definitions import MAX_BYTES

USAGE_FIELDS = (
    ("prompt_tokens", "Prompt tokens", "$.usage.prompt_tokens"),
    ("completion_tokens", "Completion tokens", "$.usage.completion_tokens"),
    ("total_tokens", "Total tokens", "$.usage.total_tokens"),
    ("request_model", "Request model", "$.model"),
    ("response_model", "Response model", "$.model"),
)
AUTH_CHOICES = (
    (AuthScheme.HEADER.value, "A header, with an optional prefix such as “Bearer ”"),
    (AuthScheme.QUERY.value, "A query parameter"),
    (AuthScheme.NONE.value, "No key: the vendor takes none"),
)
# Service field name → form field name, for the field errors of core.services.vendors.
SERVICE_FIELDS = {f"usage_paths.{name}": f"usage_{name}" for name, _, _ in USAGE_FIELDS}


def usage_field(name: str, label: str, example: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"placeholder": f"e.g. {example}", "spellcheck": "false"}),
    )


class VendorForm(forms.Form):
    name = forms.CharField(max_length=100)
    slug = forms.SlugField(
        max_length=63,
        required=False,
        help_text="Names the vendor in the REST API. Default: from the name; cannot change later.",
    )
    version = forms.CharField(max_length=50, help_text="The vendor API's version, e.g. v1.")
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
    base_url = forms.CharField(
        label="Base URL",
        max_length=500,
        help_text="Operations are appended to it, e.g. https://llm.example.com/v1 + "
        "/chat/completions. New APIs start with it as their endpoint.",
    )
    auth_scheme = forms.ChoiceField(
        label="How the provider key is sent",
        choices=AUTH_CHOICES,
        widget=forms.RadioSelect,
        initial=AuthScheme.HEADER.value,
    )
    auth_name = forms.CharField(
        label="Header or query parameter name",
        required=False,
        max_length=100,
        initial="Authorization",
        help_text="e.g. Authorization, x-api-key, or key for a query parameter.",
    )
    auth_prefix = forms.CharField(
        label="Prefix before the key",
        required=False,
        strip=False,
        max_length=50,
        initial="Bearer ",
        help_text="Header only. Include the space: “Bearer ” sends “Bearer <key>”.",
    )
    api_definition_file = forms.FileField(
        label="Upload an OpenAPI document",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".json,.yaml,.yml"}),
        help_text="OpenAPI 3, JSON or YAML, at most 2 MB. The gateway serves exactly the "
        "operations under its paths.",
    )
    api_definition_text = forms.CharField(
        label="…or paste it",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false", "class": "code"}),
    )

    def __init__(self, *args, editing: VendorVersion | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, label, example in USAGE_FIELDS:
            self.fields[f"usage_{name}"] = usage_field(name, label, example)
        self.editing = editing
        if editing is not None:
            self.fields["slug"].disabled = True
            self.fields["slug"].required = True  # shown, not asked for
            self.fields["slug"].help_text = "Names the vendor in the REST API; cannot change."
            self.fields[
                "version"
            ].help_text = "Type a new version to add it to the vendor, starting from this form."
            self.fields[
                "api_definition_text"
            ].help_text = "Leave both empty to keep the current definition."

    @staticmethod
    def initial_for(version: VendorVersion) -> dict:
        vendor = version.vendor
        initial = {
            "name": vendor.name,
            "slug": vendor.slug,
            "description": vendor.description,
            "version": version.version,
            "base_url": version.base_url,
            "auth_scheme": version.auth_scheme,
            "auth_name": version.auth_name,
            "auth_prefix": version.auth_prefix,
        }
        paths = version.usage_paths or {}
        initial.update({f"usage_{name}": paths.get(name, "") for name, _, _ in USAGE_FIELDS})
        return initial

    def usage_bound_fields(self) -> list[forms.BoundField]:
        return [self[f"usage_{name}"] for name, _, _ in USAGE_FIELDS]

    def clean_api_definition_file(self):
        upload = self.cleaned_data.get("api_definition_file")
        if upload and upload.size > MAX_BYTES:
            raise forms.ValidationError(f"At most {MAX_BYTES // 1024 // 1024} MB.")
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        scheme = data.get("auth_scheme")
        # A name or prefix left over from another scheme is not an error: it is not used.
        if scheme == AuthScheme.NONE:
            data["auth_name"] = data["auth_prefix"] = ""
        elif scheme == AuthScheme.QUERY:
            data["auth_prefix"] = ""
        if data.get("api_definition_file") and (data.get("api_definition_text") or "").strip():
            self.add_error("api_definition_text", "Either upload a file or paste, not both.")
        return data

    def definition_field(self) -> str:
        """The form field a definition error belongs to: where the document came from."""
        return (
            "api_definition_file"
            if self.cleaned_data.get("api_definition_file")
            else ("api_definition_text")
        )

    def api_definition(self) -> str | bytes | None:
        """The document given, or None to keep the current one (editing only)."""
        upload = self.cleaned_data.get("api_definition_file")
        if upload:
            return upload.read()
        text = self.cleaned_data.get("api_definition_text") or ""
        if text.strip():
            return text
        return None if self.editing is not None else ""

    def keep_uploaded_definition(self) -> None:
        """Browsers do not send a file again after a failed post: carry a good uploaded document
        over into the paste box, so only the fields in error need another look."""
        upload = getattr(self, "cleaned_data", {}).get("api_definition_file")
        if not upload or {"api_definition_file", "api_definition_text"} & set(self.errors):
            return
        upload.seek(0)
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            return
        data = cast(QueryDict, self.data).copy()  # bound to request.POST
        data["api_definition_text"] = text
        self.data = data
        kept = f"From {upload.name}, which you uploaded: no need to upload it again."
        self["api_definition_text"].help_text = kept  # the bound field copied the old text

    def usage_paths(self) -> dict[str, str]:
        return {
            name: self.cleaned_data.get(f"usage_{name}", "").strip() for name, _, _ in USAGE_FIELDS
        }

    def service_values(self) -> dict:
        """Keyword arguments for core.services.vendors."""
        data = self.cleaned_data
        values = {
            "name": data["name"],
            "description": data["description"],
            "version": data["version"].strip(),
            "base_url": data["base_url"],
            "auth_scheme": data["auth_scheme"],
            "auth_name": data["auth_name"],
            "auth_prefix": data["auth_prefix"],
            "usage_paths": self.usage_paths(),
        }
        definition = self.api_definition()
        if definition is not None:
            values["api_definition"] = definition
        return values


def definition_preview(version: VendorVersion) -> str:
    return json.dumps(version.api_definition, indent=2, ensure_ascii=False)
