"""The publisher's budget form (tenant, API or application budgets)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.core.validators import validate_email

from core.models import AiApi, Application, Tenant


def _numbers(text: str) -> list[int]:
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise forms.ValidationError("Whole percentages separated by commas.") from None


def _emails(text: str) -> list[str]:
    found = [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
    for email in found:
        validate_email(email)
    return found


class BudgetForm(forms.Form):
    name = forms.CharField(max_length=100)
    scope = forms.ChoiceField(
        choices=[("tenant", "Whole tenant"), ("api", "One API"), ("application", "One application")]
    )
    api = forms.ModelChoiceField(queryset=AiApi.objects.none(), required=False)
    application = forms.ModelChoiceField(queryset=Application.objects.none(), required=False)
    amount = forms.DecimalField(max_digits=14, decimal_places=6, min_value=0)
    currency = forms.RegexField(r"^[A-Z]{3}$", initial="USD")
    period = forms.ChoiceField(choices=[("day", "Day"), ("week", "Week"), ("month", "Month")])
    action = forms.ChoiceField(
        choices=[("refuse", "Refuse calls (429)"), ("downgrade", "Downgrade to a cheaper model")]
    )
    downgrade_model = forms.CharField(max_length=200, required=False)
    thresholds = forms.CharField(initial="50, 80, 100", help_text="Percentages that notify.")
    notify_emails = forms.CharField(required=False, help_text="Comma-separated addresses.")
    webhook_url = forms.URLField(required=False, assume_scheme="https")
    webhook_secret = forms.CharField(required=False, widget=forms.PasswordInput, min_length=16)

    def __init__(self, *args, tenant: Tenant, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["api"]).queryset = AiApi.objects.filter(
            tenant=tenant
        )
        apps = Application.objects.filter(tenant=tenant)
        cast(forms.ModelChoiceField, self.fields["application"]).queryset = apps

    def clean_thresholds(self) -> list[int]:
        return _numbers(self.cleaned_data["thresholds"])

    def clean_notify_emails(self) -> list[str]:
        return _emails(self.cleaned_data["notify_emails"])

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if not data.get("webhook_secret"):
            data.pop("webhook_secret", None)
        return data
