"""Plans, applications, subscriptions and the applications' API keys."""

from django.conf import settings
from django.db import models

from core.models.apis import AiApi, EndpointKind
from core.models.tenants import Tenant


class Plan(models.Model):
    """A subscription tier: request and token quotas per unit of time (empty = unlimited)."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(max_length=60)
    description = models.CharField(max_length=300, blank=True)
    request_limit = models.PositiveIntegerField(null=True, blank=True)
    total_token_limit = models.PositiveIntegerField(null=True, blank=True)
    prompt_token_limit = models.PositiveIntegerField(null=True, blank=True)
    completion_token_limit = models.PositiveIntegerField(null=True, blank=True)
    unit_seconds = models.PositiveIntegerField(default=60)
    stop_on_quota = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="uniq_plan_name")]
        # By size, smallest first (unlimited last), as developers compare them.
        ordering = [
            models.F("request_limit").asc(nulls_last=True),
            models.F("total_token_limit").asc(nulls_last=True),
            "name",
        ]

    def __str__(self) -> str:
        return self.name


class ApplicationTier(models.TextChoices):
    UNLIMITED = "Unlimited", "Unlimited"
    PER_MIN_50 = "50PerMin", "50 requests per minute"
    PER_MIN_20 = "20PerMin", "20 requests per minute"
    PER_MIN_10 = "10PerMin", "10 requests per minute"


APPLICATION_TIER_LIMITS: dict[str, int | None] = {
    "Unlimited": None,
    "50PerMin": 50,
    "20PerMin": 20,
    "10PerMin": 10,
}


class Application(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="applications")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applications"
    )
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    tier = models.CharField(
        max_length=20, choices=ApplicationTier.choices, default=ApplicationTier.UNLIMITED
    )
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "owner", "name"], name="uniq_app_name")
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SubscriptionStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "Active"
    BLOCKED = "BLOCKED", "Blocked"
    PROD_ONLY_BLOCKED = "PROD_ONLY_BLOCKED", "Production blocked"


class Subscription(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="subscriptions")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="subscriptions"
    )
    api = models.ForeignKey(AiApi, on_delete=models.CASCADE, related_name="subscriptions")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(
        max_length=20, choices=SubscriptionStatus.choices, default=SubscriptionStatus.ACTIVE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "api"], name="uniq_subscription")
        ]
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.application} → {self.api} ({self.plan})"


class ApiKey(models.Model):
    """An application's key: shown once, stored as lookup fragment + HMAC digest."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="api_keys")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="keys")
    key_type = models.CharField(max_length=10, choices=EndpointKind.choices)
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=24, help_text="Visible start of the key, for listing.")
    lookup = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64, unique=True)
    is_test_key = models.BooleanField(default=False)
    # A publisher Test console key: it calls this API only, and only through the console.
    console_api = models.ForeignKey(
        AiApi, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.key_type} key {self.prefix}…"

    @property
    def is_active(self) -> bool:
        from django.utils import timezone

        if self.revoked_at:
            return False
        return not (self.expires_at and self.expires_at <= timezone.now())
