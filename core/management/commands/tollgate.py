"""Config as code for one tenant (docs/config-as-code.md):

    manage.py tollgate export --tenant acme [-f acme.yaml]
    manage.py tollgate diff   --tenant acme -f acme.yaml [--prune]
    manage.py tollgate apply  --tenant acme -f acme.yaml [--prune] [--dry-run]

`apply` prints the diff preview, then applies it (every change through the services, audited,
in one transaction). `env:NAME` secret references are read from this command's environment.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import config_as_code as cac
from core.models import Tenant


class Command(BaseCommand):
    help = "Export a tenant's gateway configuration as YAML, or diff/apply a YAML document."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        for name, about in (
            ("export", "Write the tenant's configuration as YAML."),
            ("diff", "Show what applying the file would change."),
            ("apply", "Apply the file: create and update to match it."),
        ):
            sub = actions.add_parser(name, help=about)
            sub.add_argument("--tenant", required=True, help="Tenant slug.")
            sub.add_argument(
                "-f", "--file", required=name != "export", help="YAML file ('-': stdin/out)."
            )
            if name != "export":
                sub.add_argument(
                    "--prune", action="store_true", help="Also delete what the file leaves out."
                )
            if name == "apply":
                sub.add_argument("--dry-run", action="store_true", help="Only show the diff.")

    def handle(self, *args, action: str, tenant: str, file: str | None, **options) -> None:
        found = Tenant.objects.filter(slug=tenant).first()
        if found is None:
            raise CommandError(f"No tenant {tenant!r}.")
        try:
            if action == "export":
                self._export(found, file)
            else:
                self._diff_or_apply(
                    found,
                    file or "-",
                    apply=action == "apply" and not options.get("dry_run"),
                    prune=options.get("prune", False),
                )
        except cac.ConfigError as exc:
            raise CommandError(str(exc)) from exc

    def _export(self, tenant: Tenant, file: str | None) -> None:
        text = cac.dump_document(cac.export_tenant(tenant))
        if file and file != "-":
            Path(file).write_text(text)
            self.stdout.write(f"Exported {tenant.slug} to {file}.")
        else:
            self.stdout.write(text, ending="")

    def _diff_or_apply(self, tenant: Tenant, file: str, *, apply: bool, prune: bool) -> None:
        doc = cac.parse_document(_read(file))
        run = cac.apply_document if apply else cac.plan_document
        changes = run(tenant, doc, read_secret=os.environ.get, prune=prune)
        self.stdout.write(cac.render_changes(changes), ending="")
        if apply and changes:
            self.stdout.write(f"Applied {len(changes)} change(s) to {tenant.slug}.")


def _read(file: str) -> str:
    if file == "-":
        return sys.stdin.read()
    try:
        return Path(file).read_text()
    except OSError as exc:
        raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
