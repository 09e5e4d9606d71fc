"""Small formatting helpers of the developer portal's templates."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def version_label(version: str) -> str:
    """`1.0.0` → `v1.0.0`; a version already written `v1` stays `v1`."""
    version = str(version)
    return version if version[:1].lower() == "v" else f"v{version}"
