"""The AI policies page's forms: one form per policy type, its fields named after the type's
parameters (docs/policies.md), so the services' field errors land on the right field. Lists and
nested objects (templates, messages, JSON schemas, custom recognisers) are typed as JSON."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms

from core.models import PolicyFlow
from core.web.forms import field_of

Field = Callable[[], forms.Field]
MODE = ("mode", lambda: forms.ChoiceField(
    choices=[("block", "Block the call"), ("report", "Report only")], initial="block",
    help_text="Report only lets the call through and counts it in analytics."))  # fmt: skip
JSON_PATH = ("json_path", lambda: forms.CharField(
    required=False, label="JSONPath", help_text="What to inspect, e.g. $.messages[-1:].content; "
    "empty: every message's text (request) or the answer's text (response)."))  # fmt: skip
BOUNDS = [
    ("min", lambda: forms.IntegerField(required=False, min_value=0)),
    ("max", lambda: forms.IntegerField(required=False, min_value=0)),
]
GUARD = [MODE, JSON_PATH]
PII_ENTITIES = [
    ("email", "Email"), ("phone", "Phone"), ("credit_card", "Credit card (Luhn)"),
    ("iban", "IBAN"), ("ip_address", "IPv4 / IPv6"), ("us_ssn", "US SSN"),
    ("secret", "Secrets (API keys, tokens)"),
]  # fmt: skip


def _json(help_text: str, required: bool = True) -> Field:
    return lambda: forms.JSONField(
        required=required, help_text=help_text, widget=forms.Textarea(attrs={"rows": 5})
    )


KINDS: dict[str, tuple[str, list[tuple[str, Field]]]] = {
    "regex_guard": ("Regex guardrail", [
        ("pattern", lambda: forms.CharField(help_text="A Python regular expression.")),
        ("match", lambda: forms.ChoiceField(choices=[
            ("deny", "Refuse text that matches"), ("allow", "Refuse text that does not match")])),
        ("invert", lambda: forms.BooleanField(required=False, help_text="Flip the outcome.")),
        ("ignore_case", lambda: forms.BooleanField(required=False)),
        *GUARD,
    ]),
    "word_count_guard": ("Word count guardrail", [*BOUNDS, *GUARD]),
    "sentence_count_guard": ("Sentence count guardrail", [*BOUNDS, *GUARD]),
    "content_length_guard": ("Content length guardrail (characters)", [*BOUNDS, *GUARD]),
    "json_schema_guard": ("JSON schema guardrail", [
        ("schema", _json('A JSON Schema, e.g. {"type": "object", "required": ["answer"]}.')),
        *GUARD,
    ]),
    "url_guard": ("URL guardrail", [
        ("allowed_domains", lambda: forms.CharField(
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="One domain per line; a domain allows its subdomains.")),
        *GUARD,
    ]),
    "pii": ("PII guardrail", [
        ("action", lambda: forms.ChoiceField(choices=[
            ("block", "Block"), ("mask", "Mask"), ("mask_restore", "Mask and restore")])),
        ("entities", lambda: forms.MultipleChoiceField(
            choices=PII_ENTITIES, widget=forms.CheckboxSelectMultiple, required=False,
            help_text="None ticked: all of them.")),
        ("custom", _json('Extra recognisers: [{"name": "EMPLOYEE_ID", "pattern": "E-\\\\d{6}"}].',
                         required=False)),
        *GUARD,
    ]),
    "semantic_guard": ("Semantic prompt guard", [
        ("deny", lambda: forms.CharField(widget=forms.Textarea(attrs={"rows": 4}),
            help_text="Phrases to refuse, one per line: prompts close in meaning are refused.")),
        ("allow", lambda: forms.CharField(required=False,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="Phrases to let through, one per line (a prompt closer to these passes).")),
        ("threshold", lambda: forms.FloatField(required=False, min_value=0.01, max_value=1,
            help_text="Cosine similarity from which a prompt counts as close; default 0.8.")),
        *GUARD,
    ]),
    "prompt_template": ("Prompt templates", [
        ("templates", _json('[{"name": "translate", "messages": [{"role": "user", '
                            '"content": "Translate {{text}} to {{language}}"}]}]')),
        ("template_only", lambda: forms.BooleanField(
            required=False, help_text="Refuse requests that do not name a template.")),
    ]),
    "prompt_decorator": ("Prompt decorator", [
        ("prepend", _json('[{"role": "system", "content": "Answer politely."}]', required=False)),
        ("append", _json('[{"role": "user", "content": "Answer in English."}]', required=False)),
    ]),
}  # fmt: skip
LINES = {"allowed_domains", "deny", "allow"}
CHOICE_DEFAULTS = {"mode": "block", "match": "deny", "action": "block"}


def kind_label(kind: str) -> str:
    return KINDS.get(kind, (kind, []))[0]


class PolicyForm(forms.Form):
    """The envelope (flow, operation, name) and the fields of one policy type."""

    flow = forms.ChoiceField(choices=PolicyFlow.choices)
    operation = forms.ChoiceField(required=False)
    name = forms.CharField(max_length=64, required=False, help_text="Named in refusals.")

    def __init__(self, *args: Any, kind: str, operations: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        choices = [("", "Every operation")] + [(o, o) for o in operations]
        field_of(self, "operation", forms.ChoiceField).choices = choices
        for name, make in KINDS[kind][1]:
            self.fields[name] = make()

    @staticmethod
    def initial_for(policy: Any) -> dict[str, Any]:
        initial = {"flow": policy.flow, "operation": policy.operation, "name": policy.name}
        for name, value in policy.parameters.items():
            initial[name] = "\n".join(value) if name in LINES else value
        return initial

    def parameters(self) -> dict[str, Any]:
        """The policy's parameters as typed: empty fields and default choices left out."""
        params: dict[str, Any] = {}
        for name, _make in KINDS[self.kind][1]:
            value = self.cleaned_data.get(name)
            if value in (None, "", [], False) or CHOICE_DEFAULTS.get(name) == value:
                continue
            if name in LINES:
                value = [line.strip() for line in value.splitlines() if line.strip()]
            params[name] = value
        return params

    def envelope(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("flow", "operation", "name")}
