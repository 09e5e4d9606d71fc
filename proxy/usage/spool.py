"""Usage events still buffered at shutdown, kept on local disk until the next start.

`save` writes one JSON line per event to a temporary name and renames it into place, so a
file is either whole or absent. `claim` renames each spool file to a name carrying this
process's pid before reading it, so of several processes starting at once (uvicorn workers on
one directory) each file is replayed by one; a file claimed by a process that has since died is
claimed again. The claimed files are deleted (`release`) once their events are written or saved
again. Events are keyed by request id downstream, so a file replayed twice does no harm.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterable
from pathlib import Path

import orjson

from proxy.usage.event import UsageEvent

log = logging.getLogger("proxy.usage")
SUFFIX = ".jsonl"
CLAIMED = ".claimed-"


class Spool:
    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def save(self, events: Iterable[UsageEvent]) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"usage-{os.getpid()}-{uuid.uuid4().hex}{SUFFIX}"
        partial = self.directory / f".{name}.partial"
        with partial.open("wb") as output:
            for event in events:
                output.write(event.to_json() + b"\n")
            output.flush()
            os.fsync(output.fileno())
        final = self.directory / name
        partial.rename(final)
        return final

    def claim(self) -> tuple[list[UsageEvent], list[Path]]:
        """Every event left by earlier processes, and the claimed files holding them."""
        events: list[UsageEvent] = []
        claimed: list[Path] = []
        if not self.directory.is_dir():
            return events, claimed
        for path in sorted(self.directory.iterdir()):
            mine = self._claim_one(path)
            if mine is not None:
                claimed.append(mine)
                events.extend(_read(mine))
        return events, claimed

    def release(self, claimed: Iterable[Path]) -> None:
        for path in claimed:
            path.unlink(missing_ok=True)

    def _claim_one(self, path: Path) -> Path | None:
        name = path.name
        if name.startswith("."):
            return None  # a save still being written (or cut short: never whole)
        base, _, owner = name.partition(CLAIMED)
        if not base.endswith(SUFFIX) or (owner and _alive(owner)):
            return None
        target = path.with_name(f"{base}{CLAIMED}{os.getpid()}")
        try:
            path.rename(target)
        except OSError:  # another process claimed it first
            return None
        return target


def _read(path: Path) -> list[UsageEvent]:
    events = []
    for number, line in enumerate(path.read_bytes().splitlines(), 1):
        try:
            events.append(UsageEvent(**orjson.loads(line)))
        except (orjson.JSONDecodeError, TypeError):
            log.error(
                "unreadable line in the usage spool; skipped",
                extra={"event": "usage_spool_bad_line", "file": path.name, "line": number},
            )
    return events


def _alive(pid: str) -> bool:
    if not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False  # a file of an earlier process that had our pid: not in use by us
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
