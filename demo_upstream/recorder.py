"""Every request the demo upstream received, for tests to inspect (`GET /_mock/requests`)."""

from __future__ import annotations

from typing import Any

RecordedRequest = dict[str, Any]  # served as JSON as it is, so a plain mapping


class Recorder:
    def __init__(self) -> None:
        self._records: list[RecordedRequest] = []
        self._next_id = 1

    def add(
        self, method: str, path: str, query: str, headers: dict[str, str], body: bytes
    ) -> RecordedRequest:
        record: RecordedRequest = {
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

    def all(self) -> list[RecordedRequest]:
        return list(self._records)

    def clear(self) -> None:
        self._records.clear()
