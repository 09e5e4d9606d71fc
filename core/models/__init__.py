from core.models.access import (
    APPLICATION_TIER_LIMITS,
    ApiKey,
    Application,
    ApplicationTier,
    Plan,
    Subscription,
    SubscriptionStatus,
)
from core.models.apis import (
    AiApi,
    ApiType,
    Deployment,
    Endpoint,
    EndpointKind,
    GatewayEnvironment,
    LifecycleEvent,
    LifecycleState,
    Revision,
)
from core.models.audit import AuditLog
from core.models.catalog import AuthScheme, Vendor, VendorVersion
from core.models.registry import RegistryCounter, RegistryEntry
from core.models.rollups import RollupCursor, UsageRollup
from core.models.tenants import (
    ROLE_VALUES,
    Invitation,
    Membership,
    PersonalAccessToken,
    Role,
    Tenant,
)
from core.models.usage import UsageEvent

__all__ = [
    "APPLICATION_TIER_LIMITS",
    "ROLE_VALUES",
    "AiApi",
    "ApiKey",
    "ApiType",
    "Application",
    "ApplicationTier",
    "AuditLog",
    "AuthScheme",
    "Deployment",
    "Endpoint",
    "EndpointKind",
    "GatewayEnvironment",
    "Invitation",
    "LifecycleEvent",
    "LifecycleState",
    "Membership",
    "PersonalAccessToken",
    "Plan",
    "RegistryCounter",
    "RegistryEntry",
    "Revision",
    "Role",
    "RollupCursor",
    "Subscription",
    "SubscriptionStatus",
    "Tenant",
    "UsageEvent",
    "UsageRollup",
    "Vendor",
    "VendorVersion",
]
