"""The Gateway page's form (AIVAX-style gateways): API type, system prompt, assistant prefill and
default inference parameters with, per parameter, whether a request may override it.

It parses input into the `gateway_settings` JSON; core.services.gateway_settings validates it
(with the proxy's own parser) when core.services.apis.update_api saves it."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from core.models import AiApi
from proxy.public import PARAMETERS, parse_gateway_settings
from publisher.forms import API_TYPE_CHOICES

PARAMETER_LABELS = {
    "model": ("Model", "e.g. gpt-4o-mini: used when a request names none (or names this API)."),
    "temperature": ("Temperature", "0 to 2."),
    "top_p": ("Top p", "0 to 1."),
    "max_tokens": ("Max tokens", "Largest answer, in tokens."),
    "stop": (
        "Stop sequences",
        'One per line; for line breaks or edge spaces write a JSON array, e.g. ["\\n\\n", "END"].',
    ),
}


def stop_text(sequences: list[str]) -> str:
    """One per line when that reads back the same, else the JSON array."""
    plain = all(s == s.strip() and "\n" not in s and "\r" not in s for s in sequences)
    return "\n".join(sequences) if plain else json.dumps(sequences, ensure_ascii=False)


def parse_stop(text: str) -> Any:
    """The stop sequences typed: a JSON array, or one per line (blank lines skipped)."""
    if text.lstrip().startswith("["):
        try:
            return json.loads(text)
        except ValueError:
            raise forms.ValidationError("Not a valid JSON array.") from None
    return [line.rstrip("\r") for line in text.split("\n") if line.strip()]


class GatewayForm(forms.Form):
    api_type = forms.ChoiceField(
        label="API type", choices=API_TYPE_CHOICES, widget=forms.RadioSelect
    )
    system_prompt = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Sent before the caller's own messages on every call.",
    )
    assistant_prefill = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The start of every answer: the model continues from it (unless the caller's "
        "conversation already ends with an assistant turn).",
    )
    model = forms.CharField(required=False, max_length=200)
    temperature = forms.FloatField(required=False)
    top_p = forms.FloatField(required=False)
    max_tokens = forms.IntegerField(required=False)
    stop = forms.CharField(
        required=False, strip=False, widget=forms.Textarea(attrs={"rows": 2, "class": "code"})
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in PARAMETERS:
            label, help_text = PARAMETER_LABELS[name]
            self.fields[name].label = f"Default {label.lower()}"
            self.fields[name].help_text = help_text
            self.fields[f"{name}_overridable"] = forms.BooleanField(
                label=f"Requests may override the {label.lower()}", required=False, initial=True
            )

    @staticmethod
    def initial_for(api: AiApi) -> dict:
        defaults, _errors = parse_gateway_settings(api.gateway_settings)
        initial: dict[str, Any] = {
            "api_type": api.api_type,
            "system_prompt": defaults.system_prompt,
            "assistant_prefill": defaults.assistant_prefill,
        }
        for name, default in defaults.parameters():
            value = default.value
            initial[name] = stop_text(value) if name == "stop" else value
            initial[f"{name}_overridable"] = default.overridable
        return initial

    def parameter_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[name], self[f"{name}_overridable"]) for name in PARAMETERS]

    def clean_stop(self) -> Any:
        text = self.cleaned_data.get("stop") or ""
        return parse_stop(text) if text.strip() else None

    def gateway_settings(self) -> dict[str, Any]:
        """The JSON for core.services.apis.update_api (it validates)."""
        data = self.cleaned_data
        parameters = {
            name: {"value": data[name], "overridable": data[f"{name}_overridable"]}
            for name in PARAMETERS
            if data.get(name) not in (None, "", [])
        }
        settings: dict[str, Any] = {
            "system_prompt": data["system_prompt"],
            "assistant_prefill": data["assistant_prefill"],
            "parameters": parameters,
        }
        return {key: value for key, value in settings.items() if value}
