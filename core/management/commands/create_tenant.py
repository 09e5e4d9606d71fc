"""`manage.py create_tenant --slug acme --name "Acme" --admin-email ops@acme.example` creates a
tenant (default environment and plans) and invites its first admin: the one-time sign-up link
is printed, never stored (only its digest is)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from django.urls import reverse

from core.errors import TollgateError
from core.models import Role
from core.services import invitations
from core.services.tenants import create_tenant


def invitation_link(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("accept-invitation", args=[token])


class Command(BaseCommand):
    help = "Create a tenant and print a one-time sign-up link for its first admin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--slug", required=True, help="URL name, e.g. acme.")
        parser.add_argument("--name", required=True, help="Display name.")
        parser.add_argument("--admin-email", required=True, help="Who receives the link.")

    def handle(self, *args, slug: str, name: str, admin_email: str, **options) -> None:
        _check(validate_slug, slug, "--slug")
        _check(validate_email, admin_email, "--admin-email")
        try:
            with transaction.atomic():
                tenant = create_tenant(slug=slug, name=name.strip() or slug)
                invitation, token = invitations.invite(
                    tenant=tenant, email=admin_email, roles=[Role.ADMIN], actor=None
                )
        except TollgateError as exc:
            raise CommandError(_message(exc)) from exc
        self.stdout.write(f"Created tenant {tenant.slug} ({tenant.name}).")
        self.stdout.write(
            f"Sign-up link for {invitation.email} (admin), single use, valid until "
            f"{invitation.expires_at:%Y-%m-%d %H:%M} UTC:"
        )
        self.stdout.write(invitation_link(token))


def _check(validator, value: str, option: str) -> None:
    try:
        validator(value)
    except ValidationError as exc:
        raise CommandError(f"{option}: {' '.join(exc.messages)}") from exc


def _message(exc: TollgateError) -> str:
    details = "; ".join(f"{k}: {' '.join(v)}" for k, v in (exc.fields or {}).items())
    return f"{exc.message} {details}".strip()
