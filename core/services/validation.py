"""Field validation shared by the services, the forms and the REST API."""

from __future__ import annotations

import re

from django.conf import settings

from core.errors import InvalidInput
from proxy.netguard import UnsafeUpstream, check_url

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
    url = url.strip()
    try:
        check_url(
            url,
            allow_private=settings.ALLOW_PRIVATE_UPSTREAMS,
            allow_http=settings.ALLOW_HTTP_UPSTREAMS,
        )
    except UnsafeUpstream as exc:
        raise InvalidInput("Unsafe endpoint URL.", fields={field: [f"Refused: {exc}."]}) from None
    return url.rstrip("/")
