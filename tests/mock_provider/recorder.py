"""Every request the mock received, for tests to inspect (`GET /_mock/requests`)."""

from __future__ import annotations

from typing import Any


class Recorder:
    def __init__(self) -> None:
        self._records: list[dict[str, Any]] = []
        self._next_id = 1

    def add(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> dict[str, Any]:
        record = {
            "id": self._next_id,
            "method": method,
            "path": path,
            "query": query,
            "headers": headers,
            "body": body.decode("utf-8", "replace"),
            "completed": False,
            "disconnected": False,
        }
        self._next_id += 1
        self._records.append(record)
        return record

    def all(self) -> list[dict[str, Any]]:
        return list(self._records)

    def clear(self) -> None:
        self._records.clear()
