"""`manage.py create_token USERNAME --name ci [--tenant acme] [--access write] [--role creator]
[--days 30]`: an operator mints a personal access token for a user, with the rules of every
token (one tenant, a subset of the user's roles, read-only unless asked, always expiring).
Only the token goes to stdout, so a script can capture it; the audit log records it."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.errors import InvalidInput
from core.models import ROLE_VALUES, Tenant, TokenAccess
from core.services.tokens import create_token


class Command(BaseCommand):
    help = "Create a personal access token for a user and print it (shown only this once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for, e.g. ci.")
        parser.add_argument("--tenant", help="Tenant slug; may be left out for one tenant.")
        parser.add_argument("--access", choices=TokenAccess.values, default=TokenAccess.READ)
        parser.add_argument(
            "--role",
            action="append",
            dest="roles",
            choices=sorted(ROLE_VALUES),
            help="Repeat for several; default all of the user's roles in the tenant.",
        )
        parser.add_argument("--days", type=int, help="Days until it expires (default 90).")

    def handle(self, *args, username: str, name: str, tenant, access, roles, days, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        found = None
        if tenant:
            found = Tenant.objects.filter(slug=tenant).first()
            if found is None:
                raise CommandError(f"No tenant {tenant!r}.")
        expires_at = timezone.now() + timedelta(days=days) if days else None
        try:
            _, plaintext = create_token(
                user=user, name=name, access=access, tenant=found, roles=roles,
                expires_at=expires_at,
            )  # fmt: skip
        except InvalidInput as exc:
            problems = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
            raise CommandError(problems or exc.message) from None
        self.stdout.write(plaintext)
