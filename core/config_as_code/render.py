"""The diff preview: one line per object, one indented line per changed field."""

from __future__ import annotations

import json
from typing import Any

from core.config_as_code.changes import Change

SIGNS = {"create": "+", "update": "~", "delete": "-"}
LONGEST = 60


def render_changes(changes: list[Change]) -> str:
    if not changes:
        return "No changes.\n"
    lines = []
    for change in changes:
        lines.append(f"{SIGNS[change.action]} {change.kind} {change.name} ({change.action})")
        for name, (old, new) in change.fields.items():
            shown = _shown(new) if change.action == "create" else f"{_shown(old)} -> {_shown(new)}"
            lines.append(f"    {name}: {shown}")
    counts = {action: sum(c.action == action for c in changes) for action in SIGNS}
    summary = f"{counts['create']} to create, {counts['update']} to update"
    if counts["delete"]:
        summary += f", {counts['delete']} to delete"
    lines.append(summary + ".")
    return "\n".join(lines) + "\n"


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= LONGEST else text[: LONGEST - 1] + "…"
