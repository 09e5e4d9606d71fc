"""Form helpers shared by every page of both portals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from django import forms

from core.errors import TollgateError
from core.models import Plan

FieldT = TypeVar("FieldT", bound=forms.Field)


def apply_errors(
    form: forms.Form, error: TollgateError, *, rename: Mapping[str, str] | None = None
) -> None:
    """Put a service error's field messages on the form's fields (a service field may have
    another name on the form: `rename`); the rest, or the whole message, above the form."""
    for service_field, messages in error.fields.items():
        field_name = (rename or {}).get(service_field, service_field)
        for message in messages:
            form.add_error(field_name if field_name in form.fields else None, message)
    if not error.fields:
        form.add_error(None, error.message)


def field_of(form: forms.BaseForm, name: str, kind: type[FieldT]) -> FieldT:
    """The form's field `name` as the kind it is, to set what only that kind has:
    `field_of(self, "plan", forms.ModelChoiceField).queryset = plans`."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field


def plan_label(plan: Plan) -> str:
    return f"{plan.name} — {plan.description}" if plan.description else plan.name


class PlanChoiceField(forms.ModelChoiceField):
    """A plan picker that shows each plan with its description."""

    def label_from_instance(self, obj: Plan) -> str:
        return plan_label(obj)


class PlanMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Plan) -> str:
        return plan_label(obj)
