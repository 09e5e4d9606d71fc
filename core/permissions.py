"""Who may do what in a tenant: permissions as data (WSO2's roles), checked in one place."""

from __future__ import annotations

from core.errors import Forbidden
from core.models import Membership

ADMIN, CREATOR, PUBLISHER, SUBSCRIBER = "admin", "creator", "publisher", "subscriber"

# Admins may do everything; every other permission lists the roles that grant it.
PERMISSIONS: dict[str, frozenset[str]] = {
    "api.view": frozenset({CREATOR, PUBLISHER}),
    "api.create": frozenset({CREATOR}),
    "api.update": frozenset({CREATOR}),
    "api.delete": frozenset({CREATOR}),
    "api.revision": frozenset({CREATOR, PUBLISHER}),
    "api.deploy": frozenset({PUBLISHER}),
    "api.lifecycle": frozenset({PUBLISHER}),
    "api.subscriptions": frozenset({PUBLISHER}),
    "api.analytics": frozenset({CREATOR, PUBLISHER}),
    "knowledge.view": frozenset({CREATOR, PUBLISHER}),
    "knowledge.manage": frozenset({CREATOR}),
    "catalog.view": frozenset({CREATOR, PUBLISHER, SUBSCRIBER}),
    "devportal.use": frozenset({SUBSCRIBER}),
    "tenant.manage": frozenset(),
    "audit.view": frozenset(),
}


def roles_of(membership: Membership | None) -> frozenset[str]:
    return frozenset(membership.roles) if membership else frozenset()


def can(membership: Membership | None, permission: str) -> bool:
    roles = roles_of(membership)
    return ADMIN in roles or bool(roles & PERMISSIONS[permission])


def require(membership: Membership | None, permission: str) -> None:
    if not can(membership, permission):
        raise Forbidden(f"You do not have permission to do this ({permission}).")
