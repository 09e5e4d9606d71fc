"""Field checks of custom vendors: base URL, auth, usage paths, collected into one error."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from core.errors import Conflict, InvalidInput, TollgateError
from core.models import AuthScheme
from core.services.validation import clean_endpoint_url, clean_version
from proxy.public import validate_usage_paths

T = TypeVar("T")
VERSION_FIELDS = (
    "version",
    "base_url",
    "api_definition",
    "auth_scheme",
    "auth_name",
    "auth_prefix",
    "usage_paths",
)
HEADER_NAME_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")  # an RFC 9110 token
QUERY_NAME_RE = re.compile(r"^[A-Za-z0-9_.~-]{1,100}$")
# Headers the proxy itself sets or that frame the message: a key there would break the call.
RESERVED_HEADERS = frozenset(
    {"host", "content-length", "content-type", "transfer-encoding", "connection", "te",
     "upgrade", "trailer", "keep-alive", "proxy-connection"}
)  # fmt: skip
MAX_PREFIX = 50


class Problems:
    """Collects the field errors of several checks, so one answer names every bad field.

    Raises a Conflict (409) when the only problems are conflicts, else InvalidInput (400)."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}
        self.only_conflicts = True

    def check(self, field: str, cleaner: Callable[..., T], *args: Any) -> T | None:
        try:
            return cleaner(*args)
        except TollgateError as exc:
            self._add(exc, exc.fields or {field: [exc.message]})
            return None

    def check_many(self, cleaner: Callable[..., T], *args: Any) -> T | None:
        """A check whose error already names its fields."""
        try:
            return cleaner(*args)
        except TollgateError as exc:
            self._add(exc, exc.fields or {"non_field_errors": [exc.message]})
            return None

    def _add(self, exc: TollgateError, fields: dict[str, list[str]]) -> None:
        self.only_conflicts = self.only_conflicts and isinstance(exc, Conflict)
        for field, messages in fields.items():
            self.fields.setdefault(field, []).extend(messages)

    def raise_if_any(self) -> None:
        if not self.fields:
            return
        error = Conflict if self.only_conflicts else InvalidInput
        raise error("Invalid vendor.", fields=self.fields)


def clean_version_name(version: str) -> str:
    return clean_version(version or "")


def clean_base_url(url: str) -> str:
    if not url:
        raise InvalidInput("Invalid base URL.", fields={"base_url": ["Required."]})
    if len(url) > 500:
        raise InvalidInput("Invalid base URL.", fields={"base_url": ["At most 500 characters."]})
    return clean_endpoint_url(url, field="base_url")


def clean_auth(scheme: str, name: str, prefix: str) -> tuple[str, str, str]:
    """(scheme, name, prefix) for the proxy's custom driver: a header with an optional prefix
    (e.g. `Authorization` + `Bearer `), a query parameter, or none."""
    name, prefix = (name or "").strip(), prefix or ""
    errors: dict[str, list[str]] = {}
    if scheme not in AuthScheme.values:
        errors["auth_scheme"] = [f"Choose {', '.join(AuthScheme.values)}."]
    elif scheme == AuthScheme.HEADER:
        errors.update(_header_problems(name, prefix))
    elif scheme == AuthScheme.QUERY:
        if not QUERY_NAME_RE.match(name):
            errors["auth_name"] = ["Name the query parameter: letters, digits, '-', '_', '.'."]
    elif name:
        errors["auth_name"] = ["No name without auth: the key is not sent."]
    if scheme != AuthScheme.HEADER and prefix and "auth_scheme" not in errors:
        errors["auth_prefix"] = ["Only header auth takes a prefix."]
    if errors:
        raise InvalidInput("Invalid auth.", fields=errors)
    return scheme, name, prefix


def _header_problems(name: str, prefix: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not HEADER_NAME_RE.match(name):
        errors["auth_name"] = ["Name the header, e.g. Authorization or x-api-key."]
    elif name.lower() in RESERVED_HEADERS:
        errors["auth_name"] = [f"{name} is set by the gateway; choose another header."]
    if len(prefix) > MAX_PREFIX or not all(32 <= ord(c) < 127 for c in prefix):
        errors["auth_prefix"] = [f"At most {MAX_PREFIX} printable ASCII characters."]
    return errors


def clean_usage_paths(paths: Any) -> dict[str, str]:
    """JSONPaths (`$.usage.prompt_tokens`) or `header:<name>` per usage field, checked with the
    proxy's own parser; errors are keyed `usage_paths.<field>`."""
    if not isinstance(paths, Mapping):
        raise InvalidInput(
            "Invalid usage paths.",
            fields={"usage_paths": ['An object such as {"prompt_tokens": "$.usage.x"}.']},
        )
    given = {field: text for field, text in paths.items() if text is not None}
    errors = validate_usage_paths(given)
    if errors:
        raise InvalidInput(
            "Invalid usage paths.",
            fields={f"usage_paths.{field}": [message] for field, message in errors.items()},
        )
    return {field: text.strip() for field, text in given.items() if text.strip()}
