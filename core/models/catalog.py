"""The AI vendor catalog: built-in vendors (tenant is null) and tenants' custom ones."""

from django.db import models

from core.models.tenants import Tenant


class Vendor(models.Model):
    tenant = models.ForeignKey(
        Tenant,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="vendors",
        help_text="Empty for built-in vendors shared by every tenant.",
    )
    slug = models.SlugField(max_length=63)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="uniq_vendor_tenant_slug"),
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(tenant__isnull=True),
                name="uniq_builtin_vendor_slug",
            ),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.tenant_id is None


class AuthScheme(models.TextChoices):
    HEADER = "header", "Header"
    QUERY = "query", "Query parameter"
    NONE = "none", "None"


class VendorVersion(models.Model):
    """One version of a vendor's API: where it lives, how to authenticate, what it offers."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="versions")
    version = models.CharField(max_length=50)
    driver = models.CharField(
        max_length=50, help_text="Proxy driver that speaks this vendor's wire format."
    )
    base_url = models.URLField(max_length=500)
    auth_scheme = models.CharField(max_length=10, choices=AuthScheme.choices, default="header")
    auth_name = models.CharField(max_length=100, default="Authorization")
    auth_prefix = models.CharField(max_length=50, blank=True, default="Bearer ")
    api_definition = models.JSONField(help_text="OpenAPI document of the vendor's operations.")
    usage_paths = models.JSONField(
        default=dict,
        help_text="Where tokens and models are found: prompt_tokens, completion_tokens, "
        "total_tokens, request_model, response_model (JSONPath like $.usage.prompt_tokens, "
        "or header:<name>).",
    )
    settings = models.JSONField(default=dict, blank=True, help_text="Driver settings.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vendor", "version"], name="uniq_vendor_version")
        ]
        ordering = ["vendor__name", "-version"]

    def __str__(self) -> str:
        return f"{self.vendor.name} {self.version}"

    def operations(self) -> list[dict]:
        """The (method, path) pairs of the API definition, e.g. POST /chat/completions."""
        ops = []
        for path, item in (self.api_definition.get("paths") or {}).items():
            for method, op in item.items():
                if method.lower() in {"get", "post", "put", "delete", "patch"}:
                    summary = op.get("summary", "") if isinstance(op, dict) else ""
                    ops.append({"method": method.upper(), "path": path, "summary": summary})
        return ops
