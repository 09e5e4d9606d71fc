"""Django admin for platform operators: the audit log, read-only (sign-in failures and
lockouts have no tenant, so only operators see them here)."""

from django.contrib import admin

from core.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "action", "tenant", "actor", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("action", "object_repr")
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
