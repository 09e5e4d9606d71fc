"""Authenticate the caller's key and authorize it for one deployment."""

from __future__ import annotations

import time

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
from proxy.registry import Registry

SUBSCRIBED_STATES = frozenset({"PUBLISHED", "DEPRECATED"})
# After `Authorization: Bearer`: WSO2's `apikey`, then the vendor SDKs' own spellings, so the
# `anthropic` SDK and Claude Code (`x-api-key`) and Google's SDKs work unchanged.
KEY_HEADERS = ("apikey", "x-api-key", "x-goog-api-key")


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
    snapshot = await registry.key(key_digest(pepper, key))
    # A key of another tenant is as unknown here as a made-up one.
    if snapshot is None or snapshot.tenant_slug != tenant_slug:
        raise GatewayError(INVALID_API_KEY)
    if snapshot.expires_at is not None and snapshot.expires_at <= time.time():
        raise GatewayError(API_KEY_EXPIRED)
    return snapshot


def authorize(deployment: DeploymentSnapshot, key: KeySnapshot) -> SubscriptionGrant | None:
    """The subscription the call runs under (None for a prototype), or a GatewayError.

    PROTOTYPED APIs serve any valid key of their tenant without a subscription: the key is
    still required so every call is attributed and metered.
    """
    state = deployment.lifecycle_state
    if state == "BLOCKED":
        raise GatewayError(API_BLOCKED)
    if state == "PROTOTYPED":
        return None
    if state not in SUBSCRIBED_STATES:
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
