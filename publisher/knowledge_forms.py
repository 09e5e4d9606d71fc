"""Forms of the knowledge pages: they parse input; core/knowledge/services.py validates."""

from __future__ import annotations

from typing import Any

from django import forms

from core.models import AiApi, Tenant
from proxy.public import DEFAULT_TEMPLATE, STRATEGIES

STRATEGY_LABELS = {
    "last_message": "The last user message",
    "conversation": "The conversation, concatenated",
    "rewrite": "A query rewritten by the model",
}
MEDIA_CHOICES = [
    ("", "From the file name"),
    ("text", "Plain text"),
    ("markdown", "Markdown"),
    ("html", "HTML"),
    ("pdf", "PDF"),
    ("jsonl", "JSON lines of ready chunks"),
]


class CollectionForm(forms.Form):
    name = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=63, help_text="Lowercase letters, digits and -; APIs attach it by this name."
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class UploadForm(forms.Form):
    file = forms.FileField(help_text='.txt, .md, .html, .pdf or .jsonl (one {"text": …} a line)')
    title = forms.CharField(max_length=300, required=False, help_text="The file name if empty.")
    media_type = forms.ChoiceField(choices=MEDIA_CHOICES, required=False, label="Type")


class SearchForm(forms.Form):
    query = forms.CharField(max_length=4000, label="Try a question")


class AttachForm(forms.Form):
    api = forms.ModelChoiceField(queryset=AiApi.objects.none(), label="AI API")
    strategy = forms.ChoiceField(
        choices=[(name, STRATEGY_LABELS[name]) for name in STRATEGIES], label="Search with"
    )
    top_k = forms.IntegerField(min_value=1, max_value=20, initial=4, label="Passages (top-k)")
    min_score = forms.FloatField(min_value=-1, max_value=1, initial=0.2, label="Minimum score")
    rerank = forms.BooleanField(required=False, label="Rerank by the query's words")
    rewrite_model = forms.CharField(
        required=False, max_length=200, help_text="For rewritten queries; the caller's if empty."
    )
    template = forms.CharField(
        initial=DEFAULT_TEMPLATE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="{sources} is replaced by the numbered passages, placed as a system message.",
    )

    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        api_field = self.fields["api"]
        assert isinstance(api_field, forms.ModelChoiceField)
        api_field.queryset = AiApi.objects.filter(tenant=tenant).order_by("name")

    def knowledge(self, collection_slug: str) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "collections": [collection_slug],
            "strategy": data["strategy"],
            "top_k": data["top_k"],
            "min_score": data["min_score"],
            "rerank": data["rerank"],
            "rewrite_model": data["rewrite_model"],
            "template": data["template"],
        }
