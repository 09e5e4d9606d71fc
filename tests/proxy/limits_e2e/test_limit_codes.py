"""Every limit code, provoked through a real proxy (tests/proxy/test_proxy_errors.py's
catalogue check reads this file too): two calls in flight together, one limit that fits one."""

from __future__ import annotations

from dataclasses import replace

import pytest

from proxy.contract import Limits
from proxy.errors import CATALOG, RATE
from proxy.limits import ALL_CODES
from tests.proxy.support import make_deployment

from .support import Call, burst, chat, fresh_tenant_id, inside_window, limited_key, publish

# 100 prompt words (~107 tokens with the message overhead) + max_tokens 100 (~207 in all)
PAYLOAD = chat(words=100, max_tokens=100)
REQUESTS = Limits(requests=1)
TOKENS = Limits(total_tokens=300)
PROMPT = Limits(prompt_tokens=150)
COMPLETION = Limits(completion_tokens=150)

CASES = [
    ("plan", REQUESTS, 429, "rate_limit_requests"),
    ("plan", TOKENS, 429, "quota_tokens"),
    ("plan", PROMPT, 429, "quota_prompt_tokens"),
    ("plan", COMPLETION, 429, "quota_completion_tokens"),
    ("application", REQUESTS, 429, "application_rate_limit_requests"),
    ("application", TOKENS, 429, "application_quota_tokens"),
    ("application", PROMPT, 429, "application_quota_prompt_tokens"),
    ("application", COMPLETION, 429, "application_quota_completion_tokens"),
    ("backend", REQUESTS, 429, "backend_rate_limit_requests"),
    ("backend", TOKENS, 429, "backend_quota_tokens"),
    ("backend", PROMPT, 429, "backend_quota_prompt_tokens"),
    ("backend", COMPLETION, 429, "backend_quota_completion_tokens"),
    ("plan", Limits(total_tokens=50), 429, "request_too_large_for_quota"),
]


def test_every_engine_code_is_a_catalogued_rate_limit_error():
    assert {code for *_, code in CASES} == set(ALL_CODES)
    for code in ALL_CODES:
        assert (CATALOG[code].status, CATALOG[code].type) == (429, RATE)


@pytest.mark.parametrize(("level", "limits", "status", "code"), CASES, ids=[c[3] for c in CASES])
def test_the_limit_hit_is_named_in_the_429(one_proxy, mock, level, limits, status, code):
    deployment = make_deployment(mock.url, tenant_id=fresh_tenant_id())
    if level == "backend":
        deployment = replace(deployment, backend_limits={"production": limits})
    key, snapshot = limited_key(
        deployment,
        plan=limits if level == "plan" else None,
        application=limits if level == "application" else None,
    )
    proxy, registry = one_proxy
    publish(registry, [proxy], deployment, snapshot)
    inside_window(60, needed=5)

    calls = [Call(proxy.url, key, PAYLOAD)] * 2
    responses = burst(calls, deployment.route, headers={"x-mock-delay": "0.5"})

    refused = [r for r in responses if r.status_code == status]
    assert refused and len(refused) + sum(r.status_code == 200 for r in responses) == 2
    for response in refused:
        error = response.json()["error"]
        assert (error["code"], error["type"]) == (code, "rate_limit_error")
        assert ("retry-after" in response.headers) is (code != "request_too_large_for_quota")
