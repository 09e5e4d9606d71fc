"""Usage events straight into core_usageevent (embedded mode), one INSERT batch at a time."""

from __future__ import annotations

from typing import Any

from proxy.config import ProxyConfig
from proxy.dbapi import Database
from proxy.usage.event import COLUMNS, UsageEvent
from proxy.usage.sink import BatchingSink

INSERT = (
    f"INSERT INTO core_usageevent ({', '.join(COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in COLUMNS)}) ON CONFLICT (request_id) DO NOTHING"
)


class DatabaseUsageSink(BatchingSink):
    def __init__(self, config: ProxyConfig) -> None:
        super().__init__(
            config.usage_batch_size,
            config.usage_flush_interval,
            config.usage_buffer_limit,
            config.usage_spool_dir,
        )
        self._db = Database(config, "usage-db")

    async def write(self, batch: list[UsageEvent]) -> None:
        sqlite = self._db.is_sqlite
        await self._db.execute_many(INSERT, [_row(event, sqlite) for event in batch])

    async def close(self) -> None:
        await super().close()
        await self._db.close()


def _row(event: UsageEvent, sqlite: bool) -> tuple[Any, ...]:
    row = [getattr(event, column) for column in COLUMNS]
    if sqlite:  # Django keeps naive UTC text on SQLite: "YYYY-MM-DD HH:MM:SS.ffffff"
        row[1] = f"{event.ts[:10]} {event.ts[11:26]}"
    return tuple(row)
