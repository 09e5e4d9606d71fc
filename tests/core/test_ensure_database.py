"""`manage.py ensure_database` (run by `make up` before migrating) creates a missing Postgres
database, once; SQLite needs nothing."""

from __future__ import annotations

import uuid
from io import StringIO

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from core.management.commands.ensure_database import create_if_missing

ON_POSTGRES = connection.vendor == "postgresql"


@pytest.mark.skipif(not ON_POSTGRES, reason="the Postgres run covers it")
@pytest.mark.django_db
def test_a_missing_postgres_database_is_created_once() -> None:
    name = f"tg_ensure_{uuid.uuid4().hex[:8]}"
    database = {**connection.settings_dict, "NAME": name}
    try:
        assert create_if_missing(database) is True
        assert create_if_missing(database) is False  # already there
        with psycopg.connect(**_params(database, name)) as created:
            assert created.execute("SELECT current_database()").fetchone() == (name,)
    finally:
        with psycopg.connect(**_params(database, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.mark.django_db
def test_the_command_leaves_an_existing_database_alone() -> None:
    out = StringIO()
    call_command("ensure_database", stdout=out)  # the test database exists (or is SQLite)
    assert out.getvalue() == ""


def _params(database: dict, name: str) -> dict:
    values = {
        "dbname": name,
        "user": database.get("USER"),
        "password": database.get("PASSWORD"),
        "host": database.get("HOST"),
        "port": database.get("PORT"),
    }
    return {key: value for key, value in values.items() if value}
