"""Field validation shared by the services, the forms and the REST API."""

from __future__ import annotations

import re

from django.conf import settings

from core.errors import InvalidInput
from proxy.public import UnsafeUpstream, check_url

CONTEXT_RE = re.compile(
    r"^/?[A-Za-z0-9_.~-]+(/[A-Za-z0-9_.~{}-]+)*/?$|^/?\{version\}(/[A-Za-z0-9_.~-]+)+/?$"
)
VERSION_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,29}$")
RESERVED_FIRST_SEGMENTS = frozenset({"t", "healthz", "readyz", "_mock"})


def clean_context(context: str) -> str:
    context = context.strip().strip("/")
    if not context or not CONTEXT_RE.match(context):
        raise InvalidInput(
            "Invalid context.",
            fields={
                "context": ["Use letters, digits, '-', '_', '.', '/' and at most one {version}."]
            },
        )
    if context.count("{version}") > 1 or (
        "{" in context.replace("{version}", "") or "}" in context.replace("{version}", "")
    ):
        raise InvalidInput(
            "Invalid context.", fields={"context": ["Only {version} may be braced."]}
        )
    if context.split("/")[0] in RESERVED_FIRST_SEGMENTS:
        raise InvalidInput(
            "Invalid context.",
            fields={"context": [f"A context may not start with '{context.split('/')[0]}/'."]},
        )
    return context


def clean_version(version: str) -> str:
    version = version.strip()
    if not VERSION_RE.match(version):
        raise InvalidInput(
            "Invalid version.",
            fields={"version": ["Use 1-30 letters, digits, '.', '-' or '_', e.g. 1.0.0 or v1."]},
        )
    return version


def clean_endpoint_url(url: str, *, field: str = "url") -> str:
    """The normalised form of an outbound URL (what is stored is what was checked)."""
    try:
        normalised = check_url(
            url,
            allow_private=settings.ALLOW_PRIVATE_UPSTREAMS,
            allow_http=settings.ALLOW_HTTP_UPSTREAMS,
        )
    except UnsafeUpstream as exc:
        raise InvalidInput("Unsafe endpoint URL.", fields={field: [f"Refused: {exc}."]}) from None
    return normalised.rstrip("/")


LIMIT_FIELDS = frozenset(
    {
        "requests",
        "total_tokens",
        "prompt_tokens",
        "completion_tokens",
        "unit_seconds",
        "stop_on_quota",
    }
)


def clean_backend_limits(limits: dict) -> dict:
    """{production|sandbox: {requests, …}}; the compiler builds `contract.Limits` from it, so an
    unknown key or a non-positive number would break every publish of the API."""
    problems: dict[str, list[str]] = {}
    clean: dict[str, dict] = {}
    for kind, values in (limits or {}).items():
        if kind not in ("production", "sandbox"):
            problems[kind] = ["Only production and sandbox have backend limits."]
        elif values:
            clean[kind], errors = _clean_limits(values)
            if errors:
                problems[kind] = errors
    if problems:
        raise InvalidInput(
            "Invalid backend limits.",
            fields={
                "backend_limits": [
                    f"{kind}: {message}"
                    for kind, messages in problems.items()
                    for message in messages
                ]
            },
        )
    return clean


def _clean_limits(values: dict) -> tuple[dict, list[str]]:
    if not isinstance(values, dict):
        return {}, ["Expected an object."]
    errors = [f"Unknown limit {name!r}." for name in sorted(set(values) - LIMIT_FIELDS)]
    for name, value in values.items():
        if name == "stop_on_quota":
            if not isinstance(value, bool):
                errors.append("stop_on_quota must be true or false.")
        elif value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 1
        ):
            errors.append(f"{name} must be a positive integer or null.")
    return dict(values), errors
