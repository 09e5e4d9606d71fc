"""`manage.py registry rebuild` reconciles every snapshot with the database;
`manage.py registry show [--kind K] [KEY]` lists what the proxy would read."""

from __future__ import annotations

import orjson
from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.registry import publisher
from core.registry.store import get_store
from proxy.public import DEPLOYMENT, KEY

KINDS = (DEPLOYMENT, KEY)


def redacted(body: bytes) -> dict:
    """A snapshot for display: encrypted provider keys are replaced by whether one is set."""
    data = orjson.loads(body)
    for kind in ("production", "sandbox"):
        endpoint = data.get(kind)
        if isinstance(endpoint, dict) and "credential" in endpoint:
            endpoint["credential"] = "<encrypted>" if endpoint["credential"] else ""
    return data


class Command(BaseCommand):
    help = "Rebuild or inspect the registry the proxy reads (Redis, or the embedded table)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser("rebuild", help="Rewrite each snapshot that differs from the database.")
        show = commands.add_parser("show", help="List snapshots, or print one by its key.")
        show.add_argument("key", nargs="?", help="A deployment key or a key digest.")
        show.add_argument("--kind", choices=KINDS, help="Only this kind of snapshot.")

    def handle(self, *args, action: str, **options) -> None:
        if action == "rebuild":
            report = publisher.rebuild()
            self.stdout.write(
                f"Rebuilt the registry: {report.deployments} deployments, {report.keys} keys "
                f"({report.written} written), version {report.version}."
            )
        else:
            self.show(options.get("key"), options.get("kind"))

    def show(self, key: str | None, kind: str | None) -> None:
        store = get_store()
        kinds = (kind,) if kind else KINDS
        if key:
            for candidate in kinds:
                body = store.get(candidate, key)
                if body is not None:
                    self.stdout.write(
                        orjson.dumps(redacted(body), option=orjson.OPT_INDENT_2).decode()
                    )
                    return
            raise CommandError(f"No snapshot with key {key!r}.")
        self.stdout.write(f"{type(store).__name__}, version {store.current_version()}")
        for candidate in kinds:
            entries = store.items(candidate)
            self.stdout.write(f"{candidate}: {len(entries)}")
            for name in sorted(entries):
                version = orjson.loads(entries[name]).get("version")
                self.stdout.write(f"  {name}  v{version}")
