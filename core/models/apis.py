"""AI APIs, their endpoints, lifecycle history, revisions and deployments."""

import uuid

from django.conf import settings
from django.db import models

from core.models.catalog import VendorVersion
from core.models.tenants import Tenant
from proxy.public import lifecycle


class LifecycleState(models.TextChoices):
    CREATED = "CREATED", "Created"
    PROTOTYPED = "PROTOTYPED", "Prototyped"
    PUBLISHED = "PUBLISHED", "Published"
    BLOCKED = "BLOCKED", "Blocked"
    DEPRECATED = "DEPRECATED", "Deprecated"
    RETIRED = "RETIRED", "Retired"


class EndpointKind(models.TextChoices):
    PRODUCTION = "production", "Production"
    SANDBOX = "sandbox", "Sandbox"


class ApiType(models.TextChoices):
    NATIVE = "native", "Vendor's own format"
    UNIFIED = "unified", "OpenAI-compatible"


class AiApi(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="apis")
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(max_length=100)
    context = models.CharField(
        max_length=200, help_text="URL path of the API, may hold {version}, e.g. {version}/openai."
    )
    version = models.CharField(max_length=30)
    vendor_version = models.ForeignKey(VendorVersion, on_delete=models.PROTECT, related_name="apis")
    api_type = models.CharField(max_length=10, choices=ApiType.choices, default=ApiType.NATIVE)
    description = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    lifecycle_state = models.CharField(
        max_length=12, choices=LifecycleState.choices, default=LifecycleState.CREATED
    )
    allowed_plans = models.ManyToManyField("core.Plan", blank=True, related_name="apis")
    backend_limits = models.JSONField(
        default=dict,
        blank=True,
        help_text="{production|sandbox: {requests, total_tokens, prompt_tokens, "
        "completion_tokens, unit_seconds}} protecting the tenant's provider quota.",
    )
    request_size_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="Largest request body in bytes; empty for the default."
    )
    gateway_settings = models.JSONField(
        default=dict,
        blank=True,
        help_text="System prompt, default parameters and override rules.",
    )
    pass_provider_headers = models.BooleanField(
        default=False,
        help_text="Pass the provider account's own headers (its rate limits, organization, "
        "project) on to callers; the gateway's own x-ratelimit-* still replace the provider's.",
    )
    routing = models.JSONField(
        default=dict,
        blank=True,
        help_text="How a side with several targets balances, retries and breaks circuits.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Versions of one API share its name and context; the developer portal shows this one
    # first (else the newest listed version).
    is_default_version = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "context", "version"], name="uniq_api_context_version"
            ),
            models.UniqueConstraint(
                fields=["tenant", "name", "version"], name="uniq_api_name_version"
            ),
        ]
        ordering = ["name", "version"]

    def __str__(self) -> str:
        return f"{self.name} {self.version}"

    @property
    def lifecycle_policy(self) -> lifecycle.StatePolicy:
        """What its state allows (routed, listed, subscriptions): docs/lifecycle.md."""
        return lifecycle.policy_of(self.lifecycle_state)

    @property
    def resolved_context(self) -> str:
        """The path the gateway serves, e.g. `2.3.0/openaiapi` or `openaiapi/2.3.0`."""
        context = self.context.strip("/")
        if "{version}" in context:
            return context.replace("{version}", self.version)
        return f"{context}/{self.version}"


class Endpoint(models.Model):
    api = models.ForeignKey(AiApi, on_delete=models.CASCADE, related_name="endpoints")
    kind = models.CharField(max_length=10, choices=EndpointKind.choices)
    url = models.URLField(max_length=500)
    credential_encrypted = models.TextField(blank=True, default="")
    settings = models.JSONField(
        default=dict,
        blank=True,
        help_text="Driver settings, e.g. Azure deployment and api-version.",
    )
    # As the first target (`primary`) of a pool, when the side has other targets.
    weight = models.PositiveIntegerField(default=1)
    priority = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["api", "kind"], name="uniq_endpoint_kind")]
        ordering = ["api_id", "kind"]

    def __str__(self) -> str:
        return f"{self.api} {self.kind} endpoint"

    @property
    def has_credential(self) -> bool:
        return bool(self.credential_encrypted)


class LifecycleEvent(models.Model):
    api = models.ForeignKey(AiApi, on_delete=models.CASCADE, related_name="lifecycle_events")
    from_state = models.CharField(max_length=12, choices=LifecycleState.choices)
    to_state = models.CharField(max_length=12, choices=LifecycleState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.api}: {self.from_state} → {self.to_state}"


class GatewayEnvironment(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="environments")
    slug = models.SlugField(max_length=63)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    gateway_url = models.URLField(
        max_length=300, blank=True, help_text="Public base URL of this environment's gateway."
    )
    is_default = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "slug"], name="uniq_env_slug")]
        ordering = ["-is_default", "name"]

    def __str__(self) -> str:
        return self.name


class Revision(models.Model):
    """An immutable snapshot of an API's configuration; the gateway serves revisions."""

    api = models.ForeignKey(AiApi, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    description = models.CharField(max_length=300, blank=True)
    config = models.JSONField(help_text="Frozen configuration; provider keys stay encrypted.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api", "number"], name="uniq_revision_number")
        ]
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Revision {self.number}"


class Deployment(models.Model):
    api = models.ForeignKey(AiApi, on_delete=models.CASCADE, related_name="deployments")
    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="deployments")
    environment = models.ForeignKey(
        GatewayEnvironment, on_delete=models.CASCADE, related_name="deployments"
    )
    deployed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    deployed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api", "environment"], name="uniq_live_deployment")
        ]
        ordering = ["environment__name"]

    def __str__(self) -> str:
        return f"{self.api} revision {self.revision.number} on {self.environment}"
