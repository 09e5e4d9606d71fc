"""AI policies attached to an API: per operation and flow, in the publisher's order."""

from django.db import models

from core.models.apis import AiApi
from core.models.tenants import Tenant


class PolicyFlow(models.TextChoices):
    REQUEST = "request", "Request"
    RESPONSE = "response", "Response"


class ApiPolicy(models.Model):
    """One policy; its parameters are validated by proxy/policies/spec.py (one reader for the
    control plane and the proxy). A change reaches the gateway with the next deployed revision."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    api = models.ForeignKey(AiApi, on_delete=models.CASCADE, related_name="policies")
    kind = models.CharField(max_length=40)
    flow = models.CharField(max_length=10, choices=PolicyFlow.choices, default=PolicyFlow.REQUEST)
    operation = models.CharField(
        max_length=200, blank=True, help_text="An operation path; empty for every operation."
    )
    name = models.CharField(max_length=64, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["api_id", "position", "id"]
        indexes = [models.Index(fields=["api", "position"], name="policy_api_position")]

    def __str__(self) -> str:
        return f"{self.name or self.kind} ({self.flow})"

    def as_spec(self) -> dict:
        return {
            "kind": self.kind,
            "flow": self.flow,
            "operation": self.operation,
            "name": self.name,
            "parameters": self.parameters,
        }
