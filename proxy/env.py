"""Typed readers of environment variables that fail loudly on bad values.

The one env parser of the project: the proxy's config reads through it, and so does the
control plane's settings (`core/env.py`). No Django, so the proxy can use it.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from pathlib import Path

TRUE = frozenset({"1", "true", "yes", "on"})
FALSE = frozenset({"0", "false", "no", "off"})


class Env:
    """Readers over a mapping (usually `os.environ`); `NAME_FILE` wins for strings (secrets)."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def str(self, name: builtins.str, default: builtins.str = "") -> builtins.str:
        file_path = self._environ.get(f"{name}_FILE")
        if file_path:
            return Path(file_path).read_text().strip()
        return self._environ.get(name, default)

    def bool(self, name: builtins.str, default: builtins.bool) -> builtins.bool:
        raw = self._environ.get(name, "").strip().lower()
        if not raw:
            return default
        if raw in TRUE:
            return True
        if raw in FALSE:
            return False
        raise ValueError(f"{name} must be a boolean (true/false), got {raw!r}")

    def int(self, name: builtins.str, default: builtins.int) -> builtins.int:
        raw = self._environ.get(name, "").strip()
        try:
            return builtins.int(raw) if raw else default
        except ValueError:
            raise ValueError(f"{name} must be an integer, got {raw!r}") from None

    def float(self, name: builtins.str, default: builtins.float) -> builtins.float:
        raw = self._environ.get(name, "").strip()
        try:
            return builtins.float(raw) if raw else default
        except ValueError:
            raise ValueError(f"{name} must be a number, got {raw!r}") from None

    def list(self, name: builtins.str, default: builtins.str = "") -> tuple[builtins.str, ...]:
        """Comma-separated values, blanks dropped."""
        return tuple(item.strip() for item in self.str(name, default).split(",") if item.strip())
