"""The audit log: who changed what, in which tenant. Never holds a secret."""

from django.conf import settings
from django.db import models

from core.models.tenants import Tenant


class AuditLog(models.Model):
    tenant = models.ForeignKey(
        Tenant, null=True, on_delete=models.CASCADE, related_name="audit_logs"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=60, help_text="e.g. api.create, key.revoke")
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_id}"
