"""Django admin for platform operators (/admin/, staff users).

Everything a service must write (so that it is audited and reaches the gateway's registry) is
read-only here; the writes offered go through the services: creating a tenant (with its first
admin's invitation), revoking keys, tokens and invitations, editing a tenant's name and
sign-up switch. Secrets are never shown: no key or token digest, no provider credential.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from core.models import (
    AiApi,
    ApiKey,
    AuditLog,
    Endpoint,
    Invitation,
    Membership,
    PersonalAccessToken,
    Plan,
    Role,
    Subscription,
    Tenant,
    Vendor,
)
from core.services import access, invitations, tokens
from core.services.tenants import create_tenant

admin.site.site_header = "Tollgate platform administration"
admin.site.site_title = "Tollgate admin"


class ReadOnlyAdmin(admin.ModelAdmin):
    """A view of rows that only services write."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class NewTenantForm(forms.ModelForm):
    admin_email = forms.EmailField(
        help_text="The first admin: a one-time sign-up link for this address is shown once."
    )

    class Meta:
        model = Tenant
        fields = ["slug", "name", "allow_signup"]


class MembershipInline(ReadOnlyInline):
    model = Membership
    fields = ("user", "roles", "created_at")
    readonly_fields = fields


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    list_display = ("slug", "name", "allow_signup", "created_at")
    search_fields = ("slug", "name")
    inlines = [MembershipInline]

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = NewTenantForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return ("slug", "name", "allow_signup", "admin_email")
        return ("slug", "name", "allow_signup", "created_at")

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return ("slug", "created_at") if obj is not None else ()

    def get_inlines(self, request: HttpRequest, obj=None):
        return self.inlines if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Tenant, form, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        with transaction.atomic():
            created = create_tenant(slug=obj.slug, name=obj.name, actor=request.user)
            if created.allow_signup != obj.allow_signup:
                created.allow_signup = obj.allow_signup
                created.save(update_fields=["allow_signup"])
            invitation, token = invitations.invite(
                tenant=created,
                email=form.cleaned_data["admin_email"],
                roles=[Role.ADMIN],
                actor=request.user,
            )
        obj.pk, obj.created_at = created.pk, created.created_at
        link = request.build_absolute_uri(invitation_path(token))
        messages.warning(
            request,
            f"Send this one-time sign-up link to {invitation.email}; it is not shown again: {link}",
        )


def invitation_path(token: str) -> str:
    from django.urls import reverse

    return reverse("accept-invitation", args=[token])


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "tenant", "roles", "created_at")
    list_filter = ("tenant",)
    search_fields = ("user__username", "user__email", "tenant__slug")


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ("email", "tenant", "roles", "state", "created_at", "expires_at")
    list_filter = ("tenant",)
    search_fields = ("email",)
    exclude = ("token_digest",)
    actions = ["revoke"]

    @admin.action(description="Revoke the selected pending invitations")
    def revoke(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        pending = [i for i in queryset if i.accepted_at is None]
        for invitation in pending:
            invitations.revoke(invitation=invitation, actor=request.user)
        messages.success(request, f"Revoked {len(pending)} invitation(s).")


@admin.register(Vendor)
class VendorAdmin(ReadOnlyAdmin):
    list_display = ("slug", "name", "tenant", "created_at")
    list_filter = ("tenant",)
    search_fields = ("slug", "name")


class EndpointInline(ReadOnlyInline):
    model = Endpoint
    fields = ("kind", "url", "credential_set", "settings", "updated_at")
    readonly_fields = fields

    @admin.display(boolean=True, description="Provider key set")
    def credential_set(self, endpoint: Endpoint) -> bool:
        return bool(endpoint.credential_encrypted)


@admin.register(AiApi)
class AiApiAdmin(ReadOnlyAdmin):
    list_display = ("name", "version", "context", "tenant", "lifecycle_state", "updated_at")
    list_filter = ("lifecycle_state", "tenant")
    search_fields = ("name", "context")
    inlines = [EndpointInline]


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("name", "tenant", "request_limit", "total_token_limit", "unit_seconds")
    list_filter = ("tenant",)


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("application", "api", "plan", "status", "tenant", "created_at")
    list_filter = ("status", "tenant")


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "name", "application", "tenant", "key_type", "revoked_at")
    list_filter = ("key_type", "tenant")
    search_fields = ("prefix", "name")
    exclude = ("lookup", "digest")
    actions = ["revoke"]

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        for key in queryset.select_related("tenant"):
            access.revoke_key(key=key, actor=request.user)
        messages.success(request, f"Revoked {queryset.count()} key(s).")


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(ReadOnlyAdmin):
    list_display = ("name", "user", "tenant", "access", "expires_at", "revoked_at")
    list_filter = ("tenant",)
    search_fields = ("name", "user__username")
    exclude = ("lookup", "digest")
    actions = ["revoke"]

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[PersonalAccessToken]) -> None:
        for token in queryset.select_related("tenant"):
            tokens.revoke_token(token=token, actor=request.user)
        messages.success(request, f"Revoked {queryset.count()} token(s).")


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    """Sign-in failures and lockouts have no tenant, so only operators see them here."""

    list_display = ("created_at", "action", "tenant", "actor", "object_type", "object_repr")
    list_filter = ("action", "object_type")
    search_fields = ("action", "object_repr")
    date_hierarchy = "created_at"
