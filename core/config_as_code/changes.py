"""What applying a document would change, and the context the planners share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from core.config_as_code.schema import ConfigError
from core.errors import TollgateError
from core.models import Tenant

# Reads a secret reference's value (`env:NAME` → NAME); None when it is not set.
SecretReader = Callable[[str], str | None]


@dataclass
class Change:
    """One object to create or update; `fields` maps a field to its (before, after)."""

    action: str  # create | update | delete
    kind: str  # vendor | environment | plan | api
    name: str
    path: str  # where the object is in the document, e.g. apis[2] (a deletion: api:Chat 1.0.0)
    fields: dict[str, tuple[Any, Any]]
    run: Callable[[], None] = field(repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "kind": self.kind,
            "name": self.name,
            "path": self.path,
            "fields": {k: {"from": old, "to": new} for k, (old, new) in self.fields.items()},
        }


@dataclass
class Context:
    tenant: Tenant
    actor: Any
    read_secret: SecretReader


def differences(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}


@contextmanager
def reported_at(path: str) -> Iterator[None]:
    """A service's refusal becomes a ConfigError whose field paths start at `path`."""
    try:
        yield
    except TollgateError as exc:
        fields = exc.fields or {"": [exc.message]}
        problems = {f"{path}.{name}" if name else path: msgs for name, msgs in fields.items()}
        raise ConfigError(exc.message, problems) from None


def refuse(path: str, message: str) -> ConfigError:
    return ConfigError("The document cannot be applied.", {path: [message]})
