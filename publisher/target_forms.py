"""Forms of the Endpoints page's pool section: a target, and the routing settings."""

from __future__ import annotations

from typing import Any

from django import forms

from core.models import EndpointKind
from core.web.forms import field_of

STRATEGIES = [
    ("weighted", "Weighted round robin"),
    ("latency", "Lowest latency (moving average of time to first byte)"),
    ("least_busy", "Least busy (fewest calls in flight)"),
    ("sticky", "Sticky by header (consistent hashing)"),
]
FAILURES = [
    ("connect", "Connection errors"),
    ("timeout", "Timeouts"),
    ("429", "429 Too Many Requests"),
    ("5xx", "5xx server errors"),
]


class TargetForm(forms.Form):
    kind = forms.ChoiceField(label="Side", choices=EndpointKind.choices)
    name = forms.SlugField(max_length=50, help_text="Saving an existing name changes it.")
    url = forms.CharField(label="Endpoint URL", max_length=500)
    credential = forms.CharField(
        label="Provider API key",
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="Stored encrypted, never shown. Empty: a new target has none, an existing "
        "one keeps its key.",
    )
    vendor = forms.ChoiceField(
        required=False, help_text="Another vendor, translated as on this OpenAI-compatible API."
    )
    model = forms.CharField(
        required=False, max_length=200, help_text="Replaces the caller's model; empty keeps it."
    )
    weight = forms.IntegerField(min_value=1, max_value=1000, initial=1)
    priority = forms.IntegerField(
        min_value=0,
        max_value=100,
        initial=0,
        help_text="Lower first; the next priority only when every target of a group failed.",
    )

    def __init__(self, *args, vendors: list[tuple[str, str]] | None = None, **kwargs) -> None:
        kwargs.setdefault("prefix", "target")
        super().__init__(*args, **kwargs)
        if vendors is None:
            del self.fields["vendor"]
        else:
            choices = [("", "The API's vendor"), *vendors]
            field_of(self, "vendor", forms.ChoiceField).choices = choices


class RoutingForm(forms.Form):
    strategy = forms.ChoiceField(choices=STRATEGIES, initial="weighted")
    sticky_header = forms.CharField(
        max_length=100, initial="x-session-id", help_text="The header sticky routing hashes."
    )
    retry_on = forms.MultipleChoiceField(
        label="Fail over on",
        choices=FAILURES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only before the first byte reached the caller.",
    )
    max_attempts = forms.IntegerField(min_value=1, max_value=10)
    deadline_seconds = forms.FloatField(label="Deadline (seconds)", min_value=0.001, max_value=3600)
    attempt_timeout_seconds = forms.FloatField(
        label="Timeout per attempt (seconds)", min_value=0.001, max_value=3600, required=False
    )
    circuit_failures = forms.IntegerField(
        label="Consecutive failures that open a circuit", min_value=0, help_text="0: never."
    )
    circuit_error_rate = forms.FloatField(
        label="Or an error rate of", min_value=0.001, max_value=1, required=False,
        help_text="e.g. 0.5 over the window; empty: not used.",
    )  # fmt: skip
    circuit_window = forms.IntegerField(label="Window (calls)", min_value=2, max_value=1000)
    suspend_seconds = forms.FloatField(
        label="Suspend duration (seconds)", min_value=0.001, max_value=3600,
        help_text="How long an open circuit stays open; then one probe closes or reopens it.",
    )  # fmt: skip

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("prefix", "routing")
        super().__init__(*args, **kwargs)

    def routing(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["retry_on"] = list(data.get("retry_on") or [])
        return data
