"""Authenticate the caller's key and authorize it for one deployment."""

from __future__ import annotations

import time
from functools import lru_cache

from proxy import console
from proxy.contract import DeploymentSnapshot, KeySnapshot, SubscriptionGrant
from proxy.crypto import key_digest
from proxy.errors import (
    API_BLOCKED,
    API_KEY_EXPIRED,
    INVALID_API_KEY,
    MISSING_API_KEY,
    NOT_SUBSCRIBED,
    ROUTE_NOT_FOUND,
    SUBSCRIPTION_BLOCKED,
    GatewayError,
)
from proxy.lifecycle import policy_of
from proxy.registry import Registry

# After `Authorization: Bearer`: WSO2's `apikey`, then the vendor SDKs' own spellings, so the
# `anthropic` SDK and Claude Code (`x-api-key`) and Google's SDKs work unchanged.
KEY_HEADERS = ("apikey", "x-api-key", "x-goog-api-key")

# Only the HMAC is cached, never the answer: every call still looks the digest up in the
# registry, so a revoked or changed key takes effect on its next call.
presented_digest = lru_cache(maxsize=4096)(key_digest)


def presented_key(headers: dict[str, str]) -> str | None:
    """The key from `Authorization: Bearer <key>`, else from the first key header sent."""
    authorization = headers.get("authorization")
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    for name in KEY_HEADERS:
        key = headers.get(name, "").strip()
        if key:
            return key
    return None


async def authenticate(
    registry: Registry, pepper: str, headers: dict[str, str], tenant_slug: str
) -> KeySnapshot:
    key = presented_key(headers)
    if key is None:
        raise GatewayError(MISSING_API_KEY)
    snapshot = await registry.key(presented_digest(pepper, key))
    # A key of another tenant is as unknown here as a made-up one.
    if snapshot is None or snapshot.tenant_slug != tenant_slug:
        raise GatewayError(INVALID_API_KEY)
    if snapshot.expires_at is not None and snapshot.expires_at <= time.time():
        raise GatewayError(API_KEY_EXPIRED)
    # A console key without the console's proof is as unknown as a made-up one.
    if snapshot.console_api_id is not None and not console.proven(headers, pepper, key):
        raise GatewayError(INVALID_API_KEY)
    return snapshot


def authorize(deployment: DeploymentSnapshot, key: KeySnapshot) -> SubscriptionGrant | None:
    """The subscription the call runs under (None when its state is open to tenant keys).

    An API open to its tenant's keys (PROTOTYPED, proxy/lifecycle.py) serves any valid key of
    the tenant without a subscription: the key is still required so every call is attributed
    and metered.
    """
    if key.console_api_id is not None:
        _check_console_call(deployment, key)
        return None
    policy = policy_of(deployment.lifecycle_state)
    if not policy.routes:
        raise GatewayError(ROUTE_NOT_FOUND)  # routed for console keys only
    if policy.open_to_tenant_keys:
        return None
    if policy.refuses_every_call:
        raise GatewayError(API_BLOCKED)
    if not policy.serves_subscribers:
        raise GatewayError(ROUTE_NOT_FOUND)
    grant = key.grant_for(deployment.api_id)
    if grant is None:
        raise GatewayError(NOT_SUBSCRIBED)
    if grant.status == "BLOCKED" or (
        grant.status == "PROD_ONLY_BLOCKED" and key.key_type == "production"
    ):
        raise GatewayError(SUBSCRIPTION_BLOCKED)
    if grant.status not in ("ACTIVE", "PROD_ONLY_BLOCKED"):
        raise GatewayError(SUBSCRIPTION_BLOCKED)
    return grant


def _check_console_call(deployment: DeploymentSnapshot, key: KeySnapshot) -> None:
    """A console key calls its own API in any routed or console state, without a plan."""
    if key.console_api_id != deployment.api_id:
        raise GatewayError(NOT_SUBSCRIBED)
    if policy_of(deployment.lifecycle_state).refuses_every_call:
        raise GatewayError(API_BLOCKED)
