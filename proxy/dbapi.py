"""Blocking database access for the embedded seams, on one dedicated thread per user.

SQLite (the default file or `sqlite:///…`) through sqlite3, Postgres through psycopg; never
Django. Queries are written with `?` placeholders and adapted for psycopg.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from proxy.config import ProxyConfig


class Database:
    def __init__(self, config: ProxyConfig, name: str) -> None:
        self._sqlite_path = config.sqlite_path
        self._url = config.database_url
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._connection: Any = None

    @property
    def is_sqlite(self) -> bool:
        return self._sqlite_path is not None

    async def fetch(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = await self._run(self._fetch, sql, params)
        return rows

    async def execute_many(self, sql: str, rows: list[Sequence[Any]]) -> None:
        await self._run(self._execute_many, sql, rows)

    async def close(self) -> None:
        await self._run(self._close)
        self._executor.shutdown(wait=True)

    async def _run(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def _connect(self) -> Any:
        if self._connection is None:
            if self._sqlite_path is not None:
                self._connection = sqlite3.connect(
                    self._sqlite_path, timeout=20, isolation_level=None, check_same_thread=False
                )
                self._connection.execute("PRAGMA busy_timeout = 20000")
            else:
                import psycopg

                self._connection = psycopg.connect(self._url, autocommit=True, connect_timeout=5)
        return self._connection

    def _sql(self, sql: str) -> str:
        return sql if self.is_sqlite else sql.replace("?", "%s")

    def _fetch(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        try:
            cursor = self._connect().execute(self._sql(sql), params)
            rows: list[tuple[Any, ...]] = cursor.fetchall()
            return rows
        except Exception:
            self._reset()
            raise

    def _execute_many(self, sql: str, rows: list[Sequence[Any]]) -> None:
        try:
            connection = self._connect()
            if self.is_sqlite:
                connection.execute("BEGIN IMMEDIATE")  # the write lock up front, as Django does
                connection.executemany(sql, rows)
                connection.execute("COMMIT")
            else:
                with connection.transaction(), connection.cursor() as cursor:
                    cursor.executemany(self._sql(sql), rows)
        except Exception:
            self._reset()
            raise

    def _reset(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            finally:
                self._connection = None

    def _close(self) -> None:
        self._reset()
