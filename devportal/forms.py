"""Forms of the developer portal: they parse input; the services in core/services decide."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import forms
from django.utils import timezone

from core.models import AiApi, Application, ApplicationTier, EndpointKind, Plan
from core.web.forms import PlanChoiceField, field_of
from devportal.catalog import CatalogFilter

KEY_VALIDITY_CHOICES = [
    ("", "Never expires"),
    ("1", "1 day"),
    ("7", "7 days"),
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "1 year"),
]


class CatalogFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    provider = forms.ChoiceField(required=False, label="Provider")
    tag = forms.ChoiceField(required=False, label="Tag")

    def __init__(self, *args, providers: list[tuple[str, str]], tags: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        field_of(self, "provider", forms.ChoiceField).choices = [("", "All providers"), *providers]
        tag_choices = [("", "All tags"), *((tag, tag) for tag in tags)]
        field_of(self, "tag", forms.ChoiceField).choices = tag_choices
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": "Name, description, context or tag"}
        )

    def to_filter(self) -> CatalogFilter:
        if not self.is_valid():
            return CatalogFilter()
        data = self.cleaned_data
        return CatalogFilter(query=data["q"].strip(), provider=data["provider"], tag=data["tag"])


class ApplicationForm(forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    tier = forms.ChoiceField(
        choices=ApplicationTier.choices,
        initial=ApplicationTier.UNLIMITED,
        label="Application quota",
        help_text="Caps all of this application's calls together, whatever the plans allow.",
    )


class SubscribeForm(forms.Form):
    application = forms.ModelChoiceField(queryset=Application.objects.none())
    plan = PlanChoiceField(
        queryset=Plan.objects.none(), help_text="Only the plans this API offers."
    )

    def __init__(self, *args, api: AiApi, applications, **kwargs):
        super().__init__(*args, **kwargs)
        application = field_of(self, "application", forms.ModelChoiceField)
        application.queryset, application.empty_label = applications, None
        plan = field_of(self, "plan", forms.ModelChoiceField)
        plan.queryset, plan.empty_label = api.allowed_plans.all(), None


class KeyForm(forms.Form):
    name = forms.CharField(
        max_length=100, required=False, help_text="Optional, to tell your keys apart."
    )
    validity = forms.ChoiceField(choices=KEY_VALIDITY_CHOICES, required=False, label="Expires")

    def expires_at(self) -> datetime | None:
        days = self.cleaned_data.get("validity")
        return timezone.now() + timedelta(days=int(days)) if days else None


class TestKeyForm(forms.Form):
    key_type = forms.ChoiceField(
        choices=EndpointKind.choices,
        initial=EndpointKind.PRODUCTION,
        widget=forms.RadioSelect,
        label="Endpoint",
    )
    # The key the console already holds (kept for the browser session): reused while live.
    current_key = forms.CharField(required=False, max_length=200, strip=True)
