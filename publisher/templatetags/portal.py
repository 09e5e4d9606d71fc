"""Template helpers for the portals: permission checks and small formatting."""

from __future__ import annotations

from django import template

from core.permissions import can as member_can

register = template.Library()


@register.filter
def can(membership, permission: str) -> bool:
    """`{% if current_membership|can:"api.create" %}`: the permission check of core.permissions."""
    return member_can(membership, permission)


@register.filter
def thousands(value) -> str:
    """12345 → 12,345 (without pulling in django.contrib.humanize)."""
    return f"{value:,}" if isinstance(value, int) else value
