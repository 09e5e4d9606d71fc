from core.models.access import (
    APPLICATION_TIER_LIMITS,
    ApiKey,
    Application,
    ApplicationTier,
    Plan,
    Subscription,
    SubscriptionStatus,
)
from core.models.accounts import Account
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
from core.models.costs import (
    Budget,
    BudgetAction,
    BudgetAlert,
    BudgetPeriod,
    BudgetScope,
    ModelPrice,
)
from core.models.knowledge import Chunk, Collection, Document, DocumentStatus
from core.models.policies import ApiPolicy, PolicyFlow
from core.models.registry import RegistryChange, RegistryCounter, RegistryEntry
from core.models.rollups import RollupCursor, UsageRollup
from core.models.routing import Target
from core.models.tenants import (
    ROLE_VALUES,
    Invitation,
    InvitationState,
    Membership,
    PersonalAccessToken,
    Role,
    Tenant,
    TokenAccess,
)
from core.models.usage import UsageEvent

__all__ = [
    "APPLICATION_TIER_LIMITS",
    "Account",
    "ROLE_VALUES",
    "AiApi",
    "ApiPolicy",
    "ApiKey",
    "ApiType",
    "Application",
    "ApplicationTier",
    "AuditLog",
    "AuthScheme",
    "Chunk",
    "Collection",
    "Budget",
    "BudgetAction",
    "BudgetAlert",
    "BudgetPeriod",
    "BudgetScope",
    "Deployment",
    "Document",
    "DocumentStatus",
    "Endpoint",
    "Target",
    "EndpointKind",
    "GatewayEnvironment",
    "Invitation",
    "InvitationState",
    "LifecycleEvent",
    "LifecycleState",
    "Membership",
    "ModelPrice",
    "PersonalAccessToken",
    "Plan",
    "PolicyFlow",
    "RegistryChange",
    "RegistryCounter",
    "RegistryEntry",
    "Revision",
    "Role",
    "RollupCursor",
    "Subscription",
    "SubscriptionStatus",
    "Tenant",
    "TokenAccess",
    "UsageEvent",
    "UsageRollup",
    "Vendor",
    "VendorVersion",
]
