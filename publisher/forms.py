"""Forms of the publisher portal: they parse input; the services in core/services validate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from core.errors import InvalidInput
from core.models import (
    ApiType,
    EndpointKind,
    GatewayEnvironment,
    Plan,
    Role,
    Tenant,
    Vendor,
    VendorVersion,
)
from core.services import validation
from core.web.forms import PlanMultipleChoiceField, field_of
from publisher.held_keys import hold, release

CONTEXT_HELP = (
    "The URL path of the API. Put {version} where the version belongs, e.g. {version}/openai "
    "gives 1.0.0/openai; without it the version is appended: openai/1.0.0."
)
LIMIT_FIELDS = (
    ("requests", "Requests"),
    ("total_tokens", "Total tokens"),
    ("prompt_tokens", "Prompt tokens"),
    ("completion_tokens", "Completion tokens"),
)
UNIT_CHOICES = ((1, "second"), (60, "minute"), (3600, "hour"), (86400, "day"))
ROLE_HELP = {
    Role.ADMIN: "everything, including members, plans and environments",
    Role.CREATOR: "create and configure APIs",
    Role.PUBLISHER: "deploy, change lifecycle, manage subscriptions",
    Role.SUBSCRIBER: "use the developer portal",
}


def vendors_for(tenant: Tenant) -> QuerySet[Vendor]:
    """Built-in vendors and the tenant's custom ones."""
    return Vendor.objects.filter(Q(tenant__isnull=True) | Q(tenant=tenant)).order_by("name")


def optional_int(label: str, help_text: str = "") -> forms.IntegerField:
    return forms.IntegerField(label=label, required=False, min_value=1, help_text=help_text)


class ProviderForm(forms.Form):
    vendor = forms.ModelChoiceField(
        queryset=Vendor.objects.none(), label="AI provider", empty_label="Choose a provider"
    )
    vendor_version = forms.ModelChoiceField(
        queryset=VendorVersion.objects.none(),
        label="Provider API version",
        empty_label="Choose a version",
    )

    def __init__(self, *args, tenant: Tenant, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "vendor", forms.ModelChoiceField).queryset = vendors_for(tenant)
        vendor_id = str(self.data.get("vendor") or self.initial.get("vendor") or "")
        versions = VendorVersion.objects.filter(vendor__in=vendors_for(tenant))
        field_of(self, "vendor_version", forms.ModelChoiceField).queryset = (
            versions.filter(vendor_id=int(vendor_id)) if vendor_id.isdigit() else versions.none()
        )


API_TYPE_CHOICES = (
    (
        ApiType.NATIVE.value,
        "Vendor's own format: callers use the provider's API as its documentation describes; "
        "requests and answers pass through.",
    ),
    (
        ApiType.UNIFIED.value,
        "OpenAI-compatible: callers send OpenAI Chat Completions (or Anthropic Messages) "
        "whatever the provider; the gateway translates requests, answers, streams and errors.",
    ),
)


class ApiDetailsForm(forms.Form):
    name = forms.CharField(max_length=100)
    context = forms.CharField(max_length=200, help_text=CONTEXT_HELP)
    version = forms.CharField(max_length=30, help_text="e.g. 1.0.0 or v1")
    api_type = forms.ChoiceField(
        label="API type",
        choices=API_TYPE_CHOICES,
        initial=ApiType.NATIVE.value,
        required=False,
        widget=forms.RadioSelect,
        help_text="You can change it later on the API's Gateway page.",
    )
    endpoint_url = forms.CharField(
        label="Endpoint",
        max_length=500,
        help_text="Prefilled from the provider; used for production and sandbox. "
        "Change it later under Endpoints.",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean_api_type(self) -> str:
        return self.cleaned_data.get("api_type") or ApiType.NATIVE.value

    # The service checks these again; checking them here shows every error at once.
    def clean_context(self) -> str:
        return checked(validation.clean_context, self.cleaned_data["context"])

    def clean_version(self) -> str:
        return checked(validation.clean_version, self.cleaned_data["version"])

    def clean_endpoint_url(self) -> str:
        return checked(validation.clean_endpoint_url, self.cleaned_data["endpoint_url"])


def checked(clean: Callable[[str], str], value: str) -> str:
    """A service's field validation as a form field's: its messages become the field's errors."""
    try:
        return clean(value)
    except InvalidInput as exc:
        raise forms.ValidationError(
            [m for messages in exc.fields.values() for m in messages]
        ) from None


class EndpointForm(forms.Form):
    url = forms.CharField(label="Endpoint URL", max_length=500)
    credential = forms.CharField(
        label="New provider API key",
        required=False,
        strip=True,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="Leave empty to keep the current key.",
    )
    clear_credential = forms.BooleanField(label="Remove the stored key", required=False)
    deployment = forms.CharField(
        label="Azure deployment name",
        required=False,
        max_length=200,
        help_text="The deployment to call; empty uses the request's model.",
    )
    api_version = forms.CharField(
        label="Azure api-version", required=False, max_length=40, help_text="e.g. 2024-10-21"
    )

    held_credential = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args, kind: str, azure: bool, has_key: bool = False, scope: str = "", **kwargs
    ) -> None:
        kwargs.setdefault("prefix", kind)
        super().__init__(*args, **kwargs)
        if not azure:
            del self.fields["deployment"], self.fields["api_version"]
        credential = self.fields["credential"]
        if not has_key:
            credential.label = "Provider API key"
            credential.help_text = "The key your provider gave you."
        if self.is_bound and scope:
            self._hold_typed_key(scope)

    def _hold_typed_key(self, scope: str) -> None:
        """Keep a typed (or already held) key across a failed save, encrypted in the form."""
        typed = self.data.get(self.add_prefix("credential"), "").strip()
        token = self.data.get(self.add_prefix("held_credential"), "")
        key = typed or (release(token, scope=scope) if token else "")
        self.held_key = key
        if key:
            data = {
                **dict(self.data.items()),
                self.add_prefix("held_credential"): hold(key, scope=scope),
            }
            self.data = data
            self.fields[
                "credential"
            ].help_text = "The key you typed is kept (not shown): leave this empty to save it."

    held_key = ""  # the typed or held key of a bound form, see _hold_typed_key

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.held_key and not data.get("credential"):
            data["credential"] = self.held_key
        if data.get("credential") and data.get("clear_credential"):
            self.add_error("clear_credential", "Either enter a new key or remove it, not both.")
        return data


class PoliciesForm(forms.Form):
    allowed_plans = PlanMultipleChoiceField(
        queryset=Plan.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Plans developers may subscribe with",
    )
    request_size_limit = forms.IntegerField(
        label="Request size limit (bytes)",
        required=False,
        min_value=1,
        help_text="Largest request body the gateway accepts; empty for the gateway default.",
    )
    pass_provider_headers = forms.BooleanField(
        label="Pass the provider's account headers to callers",
        required=False,
        help_text="Off by default: the provider's rate-limit, organization and project headers "
        "describe your account with the provider, not the caller's. The gateway's own "
        "x-ratelimit-* headers still replace the provider's when a plan sets limits.",
    )

    def __init__(self, *args, tenant: Tenant, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        plans = field_of(self, "allowed_plans", forms.ModelMultipleChoiceField)
        plans.queryset = Plan.objects.filter(tenant=tenant)
        for kind in EndpointKind.values:
            for name, label in LIMIT_FIELDS:
                self.fields[f"{kind}_{name}"] = optional_int(label)
            self.fields[f"{kind}_unit_seconds"] = forms.TypedChoiceField(
                label="per", choices=UNIT_CHOICES, coerce=int, initial=60
            )

    def limit_fields(self, kind: str) -> list[forms.BoundField]:
        return [self[f"{kind}_{name}"] for name, _ in LIMIT_FIELDS] + [self[f"{kind}_unit_seconds"]]

    def backend_limits(self) -> dict:
        limits = {}
        for kind in EndpointKind.values:
            values = {name: self.cleaned_data.get(f"{kind}_{name}") for name, _ in LIMIT_FIELDS}
            if any(value is not None for value in values.values()):
                limits[kind] = {**values, "unit_seconds": self.cleaned_data[f"{kind}_unit_seconds"]}
        return limits

    @staticmethod
    def initial_for(api) -> dict:
        initial = {
            "allowed_plans": list(api.allowed_plans.all()),
            "request_size_limit": api.request_size_limit,
            "pass_provider_headers": api.pass_provider_headers,
        }
        for kind, limits in (api.backend_limits or {}).items():
            for name, value in (limits or {}).items():
                initial[f"{kind}_{name}"] = value
        return initial


class RevisionForm(forms.Form):
    description = forms.CharField(
        max_length=300, required=False, help_text="What changed, e.g. 'New sandbox key'."
    )


class DeployForm(forms.Form):
    environment = forms.ModelChoiceField(
        queryset=GatewayEnvironment.objects.none(), label="Gateway environment", empty_label=None
    )

    def __init__(self, *args, tenant: Tenant, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        environments = GatewayEnvironment.objects.filter(tenant=tenant)
        field_of(self, "environment", forms.ModelChoiceField).queryset = environments


class LifecycleForm(forms.Form):
    to_state = forms.CharField(max_length=12)
    note = forms.CharField(max_length=300, required=False)
    confirmed = forms.BooleanField(required=False)


class RangeForm(forms.Form):
    RANGES = (
        ("1h", "Last hour"),
        ("24h", "Last 24 hours"),
        ("7d", "Last 7 days"),
        ("30d", "Last 30 days"),
    )
    range = forms.ChoiceField(choices=RANGES, initial="24h", label="Time range")


class RolesField(forms.MultipleChoiceField):
    def __init__(self, **kwargs) -> None:
        choices = [(role.value, f"{role.label} — {ROLE_HELP[role]}") for role in Role]
        super().__init__(choices=choices, widget=forms.CheckboxSelectMultiple, **kwargs)


class InviteForm(forms.Form):
    email = forms.EmailField()
    roles = RolesField(initial=[Role.SUBSCRIBER])


class RolesForm(forms.Form):
    roles = RolesField()


class PlanForm(forms.Form):
    name = forms.CharField(max_length=60)
    description = forms.CharField(max_length=300, required=False)
    request_limit = optional_int("Requests")
    total_token_limit = optional_int("Total tokens")
    prompt_token_limit = optional_int("Prompt tokens")
    completion_token_limit = optional_int("Completion tokens")
    unit_seconds = forms.TypedChoiceField(label="per", choices=UNIT_CHOICES, coerce=int, initial=60)
    stop_on_quota = forms.BooleanField(
        label="Stop on quota",
        required=False,
        initial=True,
        help_text="Refuse calls once the quota is used; unchecked lets calls through and "
        "only marks them as over quota.",
    )


class EnvironmentForm(forms.Form):
    slug = forms.SlugField(max_length=63, help_text="Used in the gateway's GATEWAY_ENVIRONMENT.")
    name = forms.CharField(max_length=100)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    gateway_url = forms.URLField(
        label="Gateway URL",
        assume_scheme="https",
        required=False,
        max_length=300,
        help_text="Public base URL of this environment's gateway; empty uses the default.",
    )
