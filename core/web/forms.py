"""Form helpers shared by every page that calls a service."""

from __future__ import annotations

from collections.abc import Mapping

from django import forms

from core.errors import TollgateError


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
