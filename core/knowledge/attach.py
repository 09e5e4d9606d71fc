"""The collections an API's gateway settings attach must be its own tenant's."""

from __future__ import annotations

from typing import Any

from core.errors import InvalidInput
from core.models import Collection


def check_attached(tenant_id: int, gateway_settings: dict[str, Any]) -> None:
    knowledge = gateway_settings.get("knowledge") or {}
    wanted = knowledge.get("collections") or []
    known = set(
        Collection.objects.filter(tenant_id=tenant_id, slug__in=wanted).values_list(
            "slug", flat=True
        )
    )
    unknown = [slug for slug in wanted if slug not in known]
    if unknown:
        raise InvalidInput(
            "Invalid gateway settings.",
            fields={"knowledge": [f"Unknown collection {slug!r}." for slug in unknown]},
        )
