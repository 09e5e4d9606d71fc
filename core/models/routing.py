"""Target pools: the targets an API side balances over besides its endpoint (docs/routing.md).

A side's endpoint (`Endpoint`) is its first target, named `primary`; each `Target` here adds
one more. A side without targets is served exactly as before pools existed.
"""

from django.db import models

from core.models.apis import AiApi, EndpointKind
from core.models.catalog import VendorVersion

PRIMARY = "primary"


class Target(models.Model):
    api = models.ForeignKey(AiApi, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(max_length=10, choices=EndpointKind.choices)
    name = models.SlugField(max_length=50, help_text="Names the target in usage and health.")
    url = models.URLField(max_length=500)
    credential_encrypted = models.TextField(blank=True, default="")
    settings = models.JSONField(default=dict, blank=True, help_text="Driver settings.")
    vendor_version = models.ForeignKey(
        VendorVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Another vendor (OpenAI-compatible APIs only); empty: the API's vendor.",
    )
    model = models.CharField(
        max_length=200, blank=True, help_text="Replaces the caller's model; empty keeps it."
    )
    weight = models.PositiveIntegerField(default=1)
    priority = models.PositiveSmallIntegerField(
        default=0, help_text="Lower first; the next priority only when a whole group failed."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["api", "kind", "name"], name="uniq_target_name")
        ]
        ordering = ["api_id", "kind", "priority", "name"]

    def __str__(self) -> str:
        return f"{self.api} {self.kind} target {self.name}"

    @property
    def has_credential(self) -> bool:
        return bool(self.credential_encrypted)
