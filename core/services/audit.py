"""Audit rows for every change; callers pass only non-secret fields."""

from __future__ import annotations

from typing import Any

from django.db import models

from core.models import AuditLog, Tenant

SECRET_FIELDS = frozenset({"key", "credential", "api_key", "password", "token", "secret"})


def record(
    *,
    tenant: Tenant | None,
    actor,
    action: str,
    obj: models.Model,
    changes: dict[str, Any] | None = None,
) -> AuditLog:
    safe = {k: v for k, v in (changes or {}).items() if k not in SECRET_FIELDS}
    return AuditLog.objects.create(
        tenant=tenant,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.model_name or type(obj).__name__.lower(),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=safe,
    )
