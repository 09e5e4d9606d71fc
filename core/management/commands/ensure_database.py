"""`manage.py ensure_database`: create the Postgres database DATABASE_URL names if it is
missing (`make up` runs it before migrating). SQLite files are created by the first connection,
so nothing is done for them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import psycopg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from psycopg import sql

MAINTENANCE_DATABASE = "postgres"


class Command(BaseCommand):
    help = "Create the Postgres database of DATABASE_URL if it does not exist yet."

    def handle(self, *args, **options) -> None:
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.postgresql":
            return
        try:
            if create_if_missing(database):
                self.stdout.write(f"Created the Postgres database {database['NAME']!r}.")
        except psycopg.Error as exc:
            raise CommandError(f"Cannot create the Postgres database: {exc}") from exc


def create_if_missing(database: Mapping[str, Any]) -> bool:
    """Create the database a Django DATABASES entry names, unless it exists; True if created."""
    with psycopg.connect(**_server_of(database), autocommit=True) as connection:
        name = database["NAME"]
        found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if found.fetchone():
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def _server_of(database: Mapping[str, Any]) -> dict[str, Any]:
    """Connection settings for the server's maintenance database, with the same credentials."""
    values = {
        "dbname": MAINTENANCE_DATABASE,
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
        "connect_timeout": 10,
    }
    return {key: value for key, value in values.items() if value is not None}
