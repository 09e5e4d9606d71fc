"""URL guardrail: every http(s) link in the inspected text points to `allowed_domains` (a
domain allows its subdomains)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from proxy.policies.base import FieldErrors, PolicySpec
from proxy.policies.guardrail import TextGuard, check_common

URL = re.compile(r"https?://[^\s<>\"'`)\]]+", re.IGNORECASE)
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9-]{1,63}\.)*[a-z0-9-]{1,63}$")


def validate(params: dict[str, Any]) -> FieldErrors:
    errors = check_common(params, ("allowed_domains",))
    domains = params.get("allowed_domains")
    if not isinstance(domains, list) or not all(isinstance(d, str) for d in domains):
        errors["allowed_domains"] = ["Expected a list of domains, e.g. ['example.com']."]
    elif bad := [d for d in domains if not DOMAIN.match(d.lower())]:
        errors["allowed_domains"] = [f"Not a domain: {d!r}." for d in bad]
    return errors


def allowed(host: str, domains: tuple[str, ...]) -> bool:
    return any(host == domain or host.endswith("." + domain) for domain in domains)


def build(spec: PolicySpec) -> TextGuard:
    domains = tuple(d.lower() for d in spec.parameters["allowed_domains"])

    def judge(text: str) -> bool:
        for link in URL.findall(text):
            host = (urlsplit(link).hostname or "").rstrip(".")
            if not allowed(host, domains):
                return True
        return False

    return TextGuard(spec, judge)
